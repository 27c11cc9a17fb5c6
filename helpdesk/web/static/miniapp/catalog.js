// Catalog: the branch's cartridges first, search, +/− counters; the MainButton opens the order.
import { api, el, go, haptic, mainButton, state, t } from "./app.js";

export function setQuantity(id, quantity) {
  const max = state.me.max_quantity;
  const value = Math.max(0, Math.min(max, quantity));
  if (value) state.cart.set(id, value); else state.cart.delete(id);
}

export function cartSize() {
  let total = 0;
  for (const quantity of state.cart.values()) total += quantity;
  return total;
}

function stockLine(item) {
  if (item.stock_note) return item.stock_note; // the server's words: count, source and age
  if (item.in_stock == null) return t("no_count");
  const source = t(item.source === "1c" ? "source_1c" : "source_manual");
  return [t("in_stock", { n: item.in_stock }), source, item.as_of && t("as_of", { time: item.as_of })]
    .filter(Boolean).join(" · ");
}

export function counter(id, onChange) {
  const quantity = state.cart.get(id) || 0;
  const change = (delta) => () => {
    setQuantity(id, (state.cart.get(id) || 0) + delta);
    if (delta > 0) haptic("light");
    onChange();
  };
  if (!quantity) return el("div", { class: "counter" }, el("button", { class: "add", onclick: change(1) }, "+"));
  return el("div", { class: "counter" },
    el("button", { class: "minus", "aria-label": "−", onclick: change(-1) }, "−"),
    el("output", {}, String(quantity)),
    el("button", { class: "plus", "aria-label": "+", onclick: change(1) }, "+"));
}

function updateMain() {
  const n = cartSize();
  mainButton(n ? t("view_order", { n }) : null, n ? () => go("cart") : null);
}

export async function show(root) {
  const early = state.prefetched && await state.prefetched;
  state.prefetched = null;
  state.offers = (early || await api("/catalog")).items;
  const search = el("input", { type: "search", placeholder: t("search"), "aria-label": t("search") });
  const grid = el("div", { class: "grid" });
  const draw = () => {
    const words = search.value.trim().toLowerCase();
    const shown = state.offers.filter((o) => !words || `${o.name} ${o.vendor} ${o.article}`.toLowerCase().includes(words));
    grid.replaceChildren(...shown.map((item) => el("div", { class: "card", "data-id": item.id },
      el("span", { class: "name" }, item.name),
      el("span", { class: "hint" }, [item.vendor, item.article].filter(Boolean).join(" · ")),
      item.compatible ? el("span", { class: "fits" }, `★ ${t("fits")}`) : null,
      el("span", { class: "hint stock" }, stockLine(item)),
      counter(item.id, () => { draw(); updateMain(); }))));
  };
  search.addEventListener("input", draw);
  root.replaceChildren(el("h1", {}, t("catalog")), search,
    state.offers.length ? grid : el("p", { class: "muted" }, t("empty_catalog")));
  draw();
  updateMain();
}
