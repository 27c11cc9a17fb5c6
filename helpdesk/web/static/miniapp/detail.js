// A request: status, what was asked, its actions (cancel asks first), comments and history.
import { api, el, haptic, notice, t, tg } from "./app.js";

function confirmed(text) {
  return new Promise((resolve) => tg.showConfirm(text, resolve));
}

function actionButton(item, request, root) {
  const run = async (reason = "") => {
    if (item.action === "cancel" && !(await confirmed(t("cancel_confirm", { number: request.number })))) return;
    try {
      const result = await api(`/requests/${request.number}/actions`, { method: "POST",
        json: { action: item.action, reason } });
      haptic("success");
      draw(root, result, result.done);
    } catch (error) { haptic("error"); notice(error.message); }
  };
  if (!item.needs_reason) {
    return el("button", { class: item.action === "cancel" || item.action === "reject" ? "danger" : "",
      "data-action": item.action, onclick: () => run() }, item.label);
  }
  return el("button", { class: "danger", "data-action": item.action, onclick: () => {
    const reason = el("textarea", { "aria-label": t("reason"), placeholder: t("reject_reason", { number: request.number }) });
    const form = el("div", { class: "reason" }, el("label", {}, t("reject_reason", { number: request.number })), reason,
      el("div", { class: "actions" }, el("button", { class: "danger", "data-action": "confirm-" + item.action,
        onclick: () => run(reason.value) }, item.label)));
    root.querySelectorAll(".reason").forEach((old) => old.remove());  // pressed twice: one form
    root.querySelector(".actions").after(form);
    reason.focus();
  } }, item.label);
}

function draw(root, request, message) {
  const comment = el("textarea", { "aria-label": t("add_comment"), placeholder: t("add_comment") });
  const send = async () => {
    try {
      draw(root, await api(`/requests/${request.number}/comments`, { method: "POST", json: { body: comment.value } }));
    } catch (error) { notice(error.message); }
  };
  root.replaceChildren(el("div", {},
    el("div", { class: "row" }, el("h1", {}, request.number), el("span", { class: "status", id: "status" }, request.status_label)),
    el("p", { class: "hint" }, `${request.type} · ${request.branch} · ${request.created}`),
    request.lines.length ? el("ul", { class: "list" }, request.lines.map((l) => el("li", { class: "row" },
      el("span", {}, l.name), el("strong", {}, `× ${l.quantity}`)))) : null,
    request.description ? el("p", {}, request.description) : null,
    request.reject_reason ? el("p", { class: "hint" }, `${t("reason")}: ${request.reject_reason}`) : null,
    el("div", { class: "actions" }, request.actions.map((item) => actionButton(item, request, root))),
    el("h2", {}, t("comments")),
    el("ul", { class: "list" }, request.comments.map((c) => el("li", {},
      el("div", { class: "hint" }, `${c.who} · ${c.at}`), el("div", {}, c.body)))),
    comment, el("div", { class: "actions" }, el("button", { class: "plain", onclick: send }, t("send"))),
    el("h2", {}, t("history")),
    el("ul", { class: "list" }, request.history.map((h) => el("li", {},
      el("div", { class: "hint" }, h.at), el("div", {}, [h.who, h.label, h.status && `→ ${h.status}`]
        .filter(Boolean).join(" ")))))));
  if (message) notice(message, true);
}

export async function show(root, params) {
  draw(root, await api(`/requests/${encodeURIComponent(params.number)}`), params.message);
}


