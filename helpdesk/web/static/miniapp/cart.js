// The order: the cart's lines with counters, a comment, and the MainButton that sends it as one request.
import { api, busy, el, haptic, mainButton, notice, replace, state, t } from "./app.js";
import { cartSize, counter } from "./catalog.js";

let draftKey = null;  // one key per cart: a resend after a lost answer creates one request
let comment = "";

export async function show(root) {
  const byId = new Map(state.offers.map((o) => [o.id, o]));
  const list = el("ul", { class: "list" });
  const text = el("textarea", { maxlength: state.me.max_text, placeholder: t("comment_for_warehouse"),
    "aria-label": t("comment_for_warehouse") });
  text.value = comment;
  text.addEventListener("input", () => { comment = text.value; });
  const draw = () => {
    list.replaceChildren(...[...state.cart.keys()].map((id) => el("li", { class: "row" },
      el("span", {}, byId.get(id) ? byId.get(id).name : `#${id}`), counter(id, draw))));
    if (!state.cart.size) list.replaceChildren(el("li", { class: "muted" }, t("empty_cart")));
    mainButton(t("send_order"), send, cartSize() > 0);
  };
  root.replaceChildren(el("h1", {}, t("cart")), list, text);
  draw();
}

async function send() {
  if (!cartSize()) return;
  draftKey = draftKey || (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`.replace(".", ""));
  const lines = [...state.cart].map(([cartridge_id, quantity]) => ({ cartridge_id, quantity }));
  try {
    const created = await busy(() => api("/orders", { method: "POST",
      json: { lines, comment, client_key: draftKey } }));
    haptic("success");
    state.cart.clear();
    draftKey = null;
    comment = "";
    await replace("detail", { number: created.number, message: t("sent", { number: created.number }) });
  } catch (error) {
    haptic("error");
    notice(error.message);
  }
}
