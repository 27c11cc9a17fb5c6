"""API tokens as admins manage them: list, issue for an owner, find by id or name, revoke.

A token acts as its owner, with the owner's role and place, so the API applies the same rules as
every other channel. Only a hash is stored (see people.issue_token); the secret is shown once.
"""

from __future__ import annotations

from helpdesk.core import people
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, Conflict, NotFound, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.db.models import ApiToken, User


def tokens(actor: Actor) -> list[ApiToken]:
    """Every token, newest first, with its owner loaded (admins only)."""
    require_admin(actor)
    return list(ApiToken.select(ApiToken, User).join(User).order_by(ApiToken.id.desc()))


def owners(actor: Actor) -> list[User]:
    """Who may own a token: active users (the token gets their role and place)."""
    require_admin(actor)
    return list(User.select().where(User.active).order_by(User.display_name))


def issue(actor: Actor, owner: User | None, name: str) -> people.IssuedToken:
    """A new token for an active owner; the secret in the result is the only time it is seen."""
    require_admin(actor)
    if owner is None:
        raise ValidationError(N_("Choose the token's owner."), field="owner")
    if not owner.active:
        raise ValidationError(N_("%(name)s is deactivated and cannot own a token."), field="owner",
                              name=owner.display_name)
    return people.issue_token(actor, owner, name or "")


def owner_by_login(login: str) -> User:
    user = User.get_or_none(User.username == login.strip().lower())
    if user is None:
        raise NotFound(N_("There is no user with the login %(login)s."), login=login)
    return user


def find(actor: Actor, ref: str) -> ApiToken:
    """A token by its id, or by its name among the live ones (a name may repeat after a revoke)."""
    require_admin(actor)
    token_id = parse_int(ref)
    if token_id is not None:
        token = ApiToken.get_or_none(ApiToken.id == token_id)
        if token is None:
            raise NotFound(N_("There is no API token %(ref)s."), ref=ref)
        return token
    found = list(ApiToken.select().where((ApiToken.name == ref.strip()) & ApiToken.revoked_at.is_null()).limit(2))
    if not found:
        raise NotFound(N_("There is no API token %(ref)s."), ref=ref)
    if len(found) > 1:
        raise Conflict(N_("Several live tokens are named %(ref)s: give the id."), ref=ref)
    return found[0]


def revoke(actor: Actor, token: ApiToken) -> None:
    """Stop a token at once; revoking twice is refused rather than audited twice."""
    require_admin(actor)
    if token.revoked_at is not None:
        raise Conflict(N_("This token is already revoked."))
    people.revoke_token(actor, token)
