"""People and access: users, passwords, invites, access requests, API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from helpdesk.core import audit, fields, outbox, throttle
from helpdesk.core.actors import ROLE_LABELS, ROLES, Actor, require_admin
from helpdesk.core.cache import cached, peek
from helpdesk.core.common_passwords import is_common
from helpdesk.core.errors import N_, Conflict, Forbidden, NotFound, ValidationError
from helpdesk.db.database import write_transaction
from helpdesk.db.models import AccessRequest, ApiToken, Branch, Invite, User, Warehouse, utcnow
from helpdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

_hasher = PasswordHasher()
MIN_PASSWORD = 10
MAX_NAME = 200  # a person's display name
MAX_USERNAME = 64
MAX_EMAIL = 254
# Each argon2 check takes 64 MiB and 4 threads for a fraction of a second: a flood of logins on every worker
# thread at once starved the API and took half a gigabyte. Checks wait for one of a few slots instead;
# more slots than cores / 4 would only queue inside the CPU.
HASH_SLOTS = max(1, min(4, (os.cpu_count() or 1) // 4))
_hash_slots = threading.BoundedSemaphore(HASH_SLOTS)


def hash_password(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(password)


def _password_matches(password_hash: str, password: str) -> bool:
    with _hash_slots:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@functools.cache
def _dummy_hash() -> str:
    # Checked for unknown logins: the same work (and the same queue) as a real check, so timing tells
    # nobody which logins exist.
    return hash_password(secrets.token_urlsafe(16))


def check_placement(role: str, branch: Branch | None, warehouse: Warehouse | None) -> None:
    """A known role, with the branch or warehouse it needs."""
    if role not in ROLES:
        raise ValidationError(N_("Unknown role %(role)s."), field="role", role=role)
    if role == "branch" and branch is None:
        raise ValidationError(N_("A branch user needs a branch."), field="branch")
    if role == "storekeeper" and warehouse is None:
        raise ValidationError(N_("A storekeeper needs a warehouse."), field="warehouse")


def clean_display_name(display_name: str) -> str:
    """A person's name as stored: trimmed, required, 200 characters at most."""
    display_name = fields.text(display_name, "display_name", MAX_NAME)
    if not display_name:
        raise ValidationError(N_("Enter a name."), field="display_name")
    return display_name


def validate_password(password: str, *names: str | None) -> None:
    """The one password rule: long enough, not a well-known password, not the person's login or name."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(N_("The password must have %(min)s characters at least."), field="password",
                              min=MIN_PASSWORD)
    if is_common(password):
        raise ValidationError(N_("This password is too common. Choose another one."), field="password")
    if any(name and password.strip().casefold() == name.strip().casefold() for name in names):
        raise ValidationError(N_("The password must not be your login or name."), field="password")


def check_unique(username: str | None, telegram_id: int | None, user: User | None = None) -> None:
    """A login and a Telegram account belong to one user at most (`user` may keep its own)."""
    others = User.select().where(User.id != user.id) if user is not None else User.select()
    if username and others.where(User.username == username).exists():
        raise Conflict(N_("The login %(username)s is taken."), field="username", username=username)
    if telegram_id is not None and others.where(User.telegram_id == telegram_id).exists():
        raise Conflict(N_("This Telegram account is already linked to a user."), field="telegram_id")


def _insert(actor: Actor | None, via: str, **values: Any) -> User:
    """Write a checked user and its one audit event, inside the caller's transaction.

    No actor: the person creates their own account (an invite redeemed in the bot).
    """
    user = User.create(**values)
    audit.record(actor or Actor(user, "bot"), "user_create", entity="user", entity_id=user.id,
                 after={"display_name": user.display_name, "role": user.role, "username": user.username,
                        "branch": user.branch.code if user.branch_id else None,
                        "warehouse": user.warehouse.code if user.warehouse_id else None, "via": via})
    return user


def create_user(actor: Actor, display_name: str, role: str, *, branch: Branch | None = None,
                warehouse: Warehouse | None = None, telegram_id: int | None = None,
                username: str | None = None, password: str | None = None, email: str | None = None,
                language: str = DEFAULT_LANGUAGE) -> User:
    """Create a user (admins only). Branch users need a branch, storekeepers a warehouse.

    A password given here is set by someone else (an admin, the CLI's operator), so it must be changed
    at the first login, whichever channel created the account.
    """
    require_admin(actor)
    display_name = clean_display_name(display_name)
    check_placement(role, branch, warehouse)
    if username is not None:
        username = fields.text(username, "username", MAX_USERNAME).lower() or None
    email = fields.text(email, "email", MAX_EMAIL)
    if telegram_id is not None:
        fields.integer(telegram_id, "telegram_id", 1, fields.DB_INT_MAX)
    check_unique(username, telegram_id)
    if password is not None:
        validate_password(password, username, display_name)
    with write_transaction():
        return _insert(actor, "admin", display_name=display_name, role=role,
                       branch=branch if role == "branch" else None,
                       warehouse=warehouse if role == "storekeeper" else None, telegram_id=telegram_id,
                       username=username, password_hash=hash_password(password) if password else None,
                       email=email or None, language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
                       must_change_password=password is not None)


@dataclass(frozen=True)
class LoginAttempt:
    """A login let through the throttle and counted against its address, waiting for its password check."""

    login: str
    address: str
    at: dt.datetime


def begin_login(username: str, address: str = "", now: dt.datetime | None = None) -> LoginAttempt:
    """Admit a login attempt from the client `address`, or raise RateLimited: reads and one write, no hash.

    An address that fails too often, and a login that fails too often from one address, wait (see
    core/throttle.py); the account itself is never locked, so its owner elsewhere still gets in.
    """
    now = now or utcnow()
    login = fields.clean_text(username).strip().lower()[:64]
    throttle.check([throttle.address_key(address), throttle.account_key(address, login)], now)
    throttle.address_attempt(address, now)
    return LoginAttempt(login, address, now)


def finish_login(attempt: LoginAttempt, password: str) -> User:
    """The password check of an admitted attempt (it waits for a hash slot): the user, or Forbidden."""
    user = User.get_or_none(User.username == attempt.login) if attempt.login else None
    usable = user is not None and user.active and bool(user.password_hash)
    matches = _password_matches(user.password_hash if usable else _dummy_hash(), password or "")
    if not (usable and matches):
        throttle.account_failed(attempt.address, attempt.login, attempt.at)
        raise Forbidden(N_("Wrong login or password."))
    throttle.address_succeeded(attempt.address)
    throttle.account_succeeded(attempt.address, attempt.login)
    changes: dict[str, object] = {"last_login_at": attempt.at}
    if _hasher.check_needs_rehash(user.password_hash):
        changes["password_hash"] = hash_password(password)
    User.update(**changes).where(User.id == user.id).execute()
    return User.get_by_id(user.id)


def authenticate(username: str, password: str, address: str = "", now: dt.datetime | None = None) -> User:
    """Check a login from the client `address` in one call: `begin_login`, then `finish_login`."""
    return finish_login(begin_login(username, address, now), password)


def change_password(actor: Actor, user: User, new_password: str, current_password: str | None = None) -> None:
    if actor.user_id != user.id:
        require_admin(actor)
    elif not user.must_change_password and not _password_matches(user.password_hash or "", current_password or ""):
        raise ValidationError(N_("The current password is wrong."), field="current_password")
    validate_password(new_password, user.username, user.display_name)
    with write_transaction():
        User.update(password_hash=hash_password(new_password),
                    must_change_password=actor.user_id != user.id).where(User.id == user.id).execute()
        audit.record(actor, "password_change", entity="user", entity_id=user.id)


def set_active(actor: Actor, user: User, active: bool) -> User:
    """Deactivate or reactivate a user; users are never deleted."""
    require_admin(actor)
    if actor.user_id == user.id and not active:
        raise Conflict(N_("You cannot deactivate yourself."))
    with write_transaction():
        # A new session version: cookies from before a deactivation stay dead after a reactivation.
        User.update(active=active, session_version=User.session_version + 1).where(User.id == user.id).execute()
        audit.record(actor, "user_activate" if active else "user_deactivate", entity="user", entity_id=user.id,
                     before={"active": user.active}, after={"active": active})
    return User.get_by_id(user.id)


def by_telegram_id(telegram_id: int) -> User | None:
    return User.get_or_none(User.telegram_id == telegram_id)


# The bot asks who wrote on every update. A change of any user or branch forgets every answer at once:
# this process's when its statement is built (cache.py), another instance's when it commits
# (db/reference_events.py). The lifetime only bounds a notice lost while that listener reconnects.
SENDER_SECONDS = 5.0


def sender(telegram_id: int) -> User | None:
    """`by_telegram_id`, remembered for SENDER_SECONDS (the bot's handlers do not change the row)."""
    return cached(f"sender:{telegram_id}", lambda: by_telegram_id(telegram_id), seconds=SENDER_SECONDS)


def known_sender(telegram_id: int) -> User | None | object:
    """`sender` if remembered, else cache.MISSING; no database (the bot's event loop asks it directly)."""
    return peek(f"sender:{telegram_id}")


# --- invites ----------------------------------------------------------------------------------

def create_invite(actor: Actor, role: str, *, branch: Branch | None = None, warehouse: Warehouse | None = None,
                  days: int = 7, max_uses: int | None = 1) -> Invite:
    """An invite code for a deep link `https://t.me/<bot>?start=<code>`."""
    require_admin(actor)
    check_placement(role, branch, warehouse)
    if days < 1 or days > 365:
        raise ValidationError(N_("An invite lives from 1 to 365 days."), field="days")
    if max_uses is not None and max_uses < 1:
        raise ValidationError(N_("Uses must be at least 1."), field="max_uses")
    with write_transaction():
        invite = Invite.create(code=secrets.token_urlsafe(12), role=role, branch=branch, warehouse=warehouse,
                               created_by=actor.user, expires_at=utcnow() + dt.timedelta(days=days),
                               max_uses=max_uses)
        audit.record(actor, "invite_create", entity="invite", entity_id=invite.id,
                     after={"role": role, "branch": branch.code if branch else None, "max_uses": max_uses})
    return invite


def invite_link(invite: Invite, bot_username: str | None) -> str:
    if bot_username:
        return f"https://t.me/{bot_username}?start={invite.code}"
    return f"/start {invite.code}"


def invite_qr_link(invite: Invite, bot_username: str | None) -> str:
    """The link a printed QR code opens: only a t.me link works from a phone's camera."""
    if not bot_username:
        raise Conflict(N_("Connect the Telegram bot in Settings first: an invite's QR code opens the bot, "
                          "and without a bot it leads nowhere."))
    return invite_link(invite, bot_username)


def redeem_invite(code: str, telegram_id: int, display_name: str, telegram_username: str | None = None,
                  language: str = "ru") -> User:
    """Bind a Telegram account to the invite's role and place (the bot's /start <code>)."""
    now = utcnow()
    with write_transaction():
        invite = Invite.get_or_none(Invite.code == code)
        if invite is None or invite.revoked_at or (invite.expires_at and invite.expires_at < now):
            raise NotFound(N_("This invite is not valid (expired or revoked)."))
        # Compare-and-set on `uses`: a single-use invite redeemed twice at once admits only one.
        used = (Invite.update(uses=Invite.uses + 1)
                .where((Invite.id == invite.id) & (Invite.uses == invite.uses)
                       & ((Invite.max_uses.is_null()) | (Invite.uses < Invite.max_uses))).execute())
        if used != 1:
            raise Conflict(N_("This invite has already been used."))
        check_unique(None, telegram_id)
        user = _insert(None, f"invite {invite.id}",
                       display_name=fields.clean_text(display_name).strip()[:MAX_NAME] or str(telegram_id),
                       role=invite.role, branch=invite.branch_id, warehouse=invite.warehouse_id,
                       telegram_id=telegram_id, telegram_username=telegram_username,
                       language=language if language in LANGUAGES else DEFAULT_LANGUAGE)
    return user


def revoke_invite(actor: Actor, invite: Invite) -> None:
    require_admin(actor)
    with write_transaction():
        Invite.update(revoked_at=utcnow()).where(Invite.id == invite.id).execute()
        audit.record(actor, "invite_revoke", entity="invite", entity_id=invite.id)


# --- access requests ----------------------------------------------------------------------------

def request_access(telegram_id: int, full_name: str, telegram_username: str | None = None,
                   language: str = "ru") -> AccessRequest:
    """An unknown Telegram user asks to join; admins are told once per pending request."""
    with outbox.changes():
        pending = AccessRequest.get_or_none((AccessRequest.telegram_id == telegram_id)
                                            & (AccessRequest.status == "pending"))
        if pending is not None:
            return pending
        request = AccessRequest.create(telegram_id=telegram_id, full_name=fields.clean_text(full_name).strip()[:200],
                                       telegram_username=telegram_username, language=language)
        admins = list(User.select().where((User.role == "admin") & User.active))
        outbox.notify(admins, "access_requested", {"access_request_id": request.id, "name": full_name})
    return request


def decide_access(actor: Actor, request: AccessRequest, approve: bool, *, role: str = "branch",
                  branch: Branch | None = None, warehouse: Warehouse | None = None) -> User | None:
    require_admin(actor)
    if request.status != "pending":
        raise Conflict(N_("This access request was already decided."))
    user = None
    with outbox.changes():
        if approve:
            check_placement(role, branch, warehouse)
            check_unique(None, request.telegram_id)
            user = _insert(actor, f"access request {request.id}",
                           display_name=request.full_name or str(request.telegram_id), role=role,
                           branch=branch if role == "branch" else None,
                           warehouse=warehouse if role == "storekeeper" else None,
                           telegram_id=request.telegram_id, telegram_username=request.telegram_username,
                           language=request.language if request.language in LANGUAGES else DEFAULT_LANGUAGE)
        changed = (AccessRequest.update(status="approved" if approve else "rejected", decided_by=actor.user,
                                        decided_at=utcnow(), user=user)
                   .where((AccessRequest.id == request.id) & (AccessRequest.status == "pending")).execute())
        if changed != 1:
            raise Conflict(N_("This access request was already decided."))
        audit.record(actor, "access_approve" if approve else "access_reject", entity="access_request",
                     entity_id=request.id, after={"user_id": user.id if user else None, "role": role})
        if user is not None:
            outbox.notify([user], "access_approved", {})
    return user


# --- API tokens ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


def _token_hash(secret: str) -> str:
    # Tokens are 256 random bits, so a fast hash is safe here (unlike passwords).
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(actor: Actor, user: User, name: str) -> IssuedToken:
    require_admin(actor)
    name = fields.clean_text(name).strip()
    if not name:
        raise ValidationError(N_("Name the token."), field="name")
    secret = "hd_" + secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken.create(user=user, name=name[:100], prefix=secret[:10],
                                token_hash=_token_hash(secret))
        audit.record(actor, "token_issue", entity="api_token", entity_id=token.id,
                     after={"user_id": user.id, "name": token.name})
    return IssuedToken(token, secret)


def user_for_token(secret: str) -> User | None:
    token = (ApiToken.select(ApiToken, User).join(User)
             .where((ApiToken.token_hash == _token_hash(secret)) & ApiToken.revoked_at.is_null()).first())
    if token is None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
    return token.user


def revoke_token(actor: Actor, token: ApiToken) -> None:
    require_admin(actor)
    with write_transaction():
        ApiToken.update(revoked_at=utcnow()).where(ApiToken.id == token.id).execute()
        audit.record(actor, "token_revoke", entity="api_token", entity_id=token.id)


def ensure_first_admin() -> str | None:
    """On first run, create `admin` with a random password and return it (to print once).

    Runs while no admin can log into the web panel (Telegram-only admins made by the CLI do not count).
    """
    if User.select().where((User.role == "admin") & User.password_hash.is_null(False)).exists():
        return None
    password = secrets.token_urlsafe(12)
    with write_transaction():
        # A name people read in the panel: in the interface's default language, not a program word.
        name = translate(ROLE_LABELS["admin"], DEFAULT_LANGUAGE)
        _insert(Actor.system(), "first run", display_name=name, role="admin", username="admin",
                password_hash=hash_password(password), must_change_password=True)
    return password


def set_language(actor: Actor, user: User, lang: str) -> None:
    """A user's own choice of interface language (ru or en)."""
    if actor.user_id != user.id:
        require_admin(actor)
    if lang not in LANGUAGES:
        raise ValidationError(N_("Unknown language."), field="lang")
    if user.language != lang:
        User.update(language=lang).where(User.id == user.id).execute()
