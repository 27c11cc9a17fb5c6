// My requests: number, status, what was asked; a tap opens the request.
import { api, el, go, t } from "./app.js";

export function requestList(items) {
  return el("ul", { class: "list" }, items.map((item) => el("li", { class: "link", "data-number": item.number,
    onclick: () => go("detail", { number: item.number }) },
    el("div", { class: "row" }, el("strong", {}, item.number), el("span", { class: "status" }, item.status_label)),
    el("div", { class: "hint" }, `${item.type} · ${item.created}`),
    el("div", {}, item.lines.length ? item.lines.map((l) => `${l.name} × ${l.quantity}`).join(", ")
      : item.description))));
}

export async function show(root) {
  const page = await api("/requests");
  root.replaceChildren(el("h1", {}, t("my")),
    page.items.length ? requestList(page.items) : el("p", { class: "muted" }, t("no_requests")));
}
