// A storekeeper's open requests: the warehouse's queue, as the bot's "My requests" shows it to staff.
import { api, el, t } from "./app.js";
import { requestList } from "./requests.js";

export async function show(root) {
  const page = await api("/requests");
  root.replaceChildren(el("div", {}, el("h1", {}, `${t("queue")}: ${page.total}`),
    page.awaiting ? el("p", { class: "hint" }, `${t("awaiting")}: ${page.awaiting}`) : null,
    page.items.length ? requestList(page.items) : el("p", { class: "muted" }, t("no_requests"))));
}
