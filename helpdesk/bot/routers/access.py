"""Admins decide access requests from the notice: Approve (then pick the branch) or Reject."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from helpdesk.bot.callbacks import AccessDecision
from helpdesk.core import people
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import DomainError
from helpdesk.db.models import AccessRequest, Branch, User
from helpdesk.i18n import translate

PAGE = 8


def _branches_keyboard(request_id: int, page: int, lang: str) -> InlineKeyboardMarkup:
    branches = list(Branch.select().where(Branch.active).order_by(Branch.code).paginate(page + 1, PAGE + 1))
    rows = [[InlineKeyboardButton(text=f"{b.code} · {b.name}", callback_data=AccessDecision(
        request_id=request_id, action="branch", branch_id=b.id).pack())] for b in branches[:PAGE]]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(text="◀", callback_data=AccessDecision(
            request_id=request_id, action="approve", page=page - 1).pack()))
    if len(branches) > PAGE:
        nav.append(InlineKeyboardButton(text="▶", callback_data=AccessDecision(
            request_id=request_id, action="approve", page=page + 1).pack()))
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(text=translate("⛔ Reject", lang), callback_data=AccessDecision(
        request_id=request_id, action="reject").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _decide(admin: User, data: AccessDecision) -> tuple[AccessRequest, User | None, Branch | None]:
    request = AccessRequest.get_by_id(data.request_id)
    branch = Branch.get_or_none(Branch.id == data.branch_id) if data.action == "branch" else None
    user = people.decide_access(Actor(admin, "bot"), request, data.action == "branch", role="branch",
                                branch=branch)
    return request, user, branch


async def decide(query: CallbackQuery, callback_data: AccessDecision, user: User, lang: str) -> None:
    try:
        require_admin(Actor(user, "bot"))  # before offering branches; decide_access checks again
    except DomainError as exc:
        await query.answer(exc.text(lang), show_alert=True)
        return
    if callback_data.action == "approve":
        markup = await asyncio.to_thread(_branches_keyboard, callback_data.request_id, callback_data.page, lang)
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=markup)
        return
    try:
        request, _, branch = await asyncio.to_thread(_decide, user, callback_data)
    except DomainError as exc:
        await query.answer(exc.text(lang), show_alert=True)
        await query.message.edit_reply_markup(reply_markup=None)
        return
    await query.answer(translate("Done.", lang))
    outcome = (translate("%(who)s approved: %(branch)s", lang, who=user.display_name, branch=branch.name)
               if branch else translate("%(who)s rejected the request.", lang, who=user.display_name))
    await query.message.edit_text(f"{query.message.text}\n\n{outcome}")


def build_router() -> Router:
    router = Router(name="access")
    router.callback_query.register(decide, AccessDecision.filter(F.action.in_({"approve", "branch", "reject"})))
    return router
