// The Mini App's shell: Telegram's WebApp object, the API with signed initData, screens, texts, theme.
import * as catalog from "./catalog.js";
import * as cart from "./cart.js";
import * as requests from "./requests.js";
import * as detail from "./detail.js";
import * as issue from "./issue.js";
import * as queue from "./queue.js";

const SCREENS = { catalog, cart, requests, detail, issue, queue };
export const tg = window.Telegram && window.Telegram.WebApp;
export const state = { texts: {}, me: null, cart: new Map(), offers: [], prefetched: null };
const stack = [];
let mainHandler = null;

export function t(key, params = {}) {
  let text = state.texts[key] || key;
  for (const [name, value] of Object.entries(params)) text = text.replaceAll(`%(${name})s`, String(value));
  return text;
}

// Elements are built from text only: nothing the server or a user wrote is parsed as HTML.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

export class ApiError extends Error {}

export async function api(path, { method = "GET", json, body, type } = {}) {
  const headers = { Authorization: `tma ${tg.initData}` };
  if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  if (type) headers["Content-Type"] = type;
  const response = await fetch(`/miniapp/api${path}`, { method, headers, body });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data.message || t("error"));
  return data;
}

export function notice(text, ok = false) {
  const box = document.getElementById("notice");
  box.textContent = text || "";
  box.className = ok ? "ok" : "";
  box.hidden = !text;
}

export function haptic(kind) {
  const feedback = tg && tg.HapticFeedback;
  if (!feedback) return;
  if (kind === "success" || kind === "error") feedback.notificationOccurred(kind);
  else feedback.impactOccurred(kind || "light");
}

// The MainButton belongs to the screen on top: a screen sets it, leaving a screen hides it.
export function mainButton(text, handler, enabled = true) {
  const button = tg.MainButton;
  if (mainHandler) button.offClick(mainHandler);
  mainHandler = handler;
  if (!handler) { button.hide(); return; }
  button.setParams({ text, is_active: enabled, is_visible: true });
  button.onClick(handler);
}

export async function busy(work) {
  tg.MainButton.showProgress(false);
  try { return await work(); } finally { tg.MainButton.hideProgress(); }
}

async function render() {
  const { name, params } = stack[stack.length - 1];
  mainButton(null);
  notice("");
  if (stack.length > 1) tg.BackButton.show(); else tg.BackButton.hide();
  for (const tab of document.querySelectorAll("#tabs button")) {
    tab.setAttribute("aria-current", tab.dataset.screen === stack[0].name ? "page" : "false");
  }
  const root = document.getElementById("screen");
  root.replaceChildren(el("p", { class: "muted" }, t("loading")));
  try {
    await SCREENS[name].show(root, params || {});
  } catch (error) {
    root.replaceChildren();
    notice(error.message);
  }
}

export function go(name, params) { stack.push({ name, params }); return render(); }
export function replace(name, params) { stack.pop(); return go(name, params); }
export function home(name) { stack.length = 0; return go(name); }
export function back() { if (stack.length > 1) { stack.pop(); render(); } }
export function refresh() { return render(); }

function applyTheme() {
  const style = document.documentElement.style;
  for (const [key, value] of Object.entries(tg.themeParams || {})) {
    style.setProperty(`--tg-theme-${key.replaceAll("_", "-")}`, value);
  }
  document.documentElement.dataset.scheme = tg.colorScheme || "light";
}

async function loadTexts(lang) {
  const data = await fetch(`/miniapp/api/texts?lang=${encodeURIComponent(lang || "")}`).then((r) => r.json());
  state.texts = data.texts;
  document.documentElement.lang = data.lang;
}

function tabs() {
  const names = state.me.role === "branch" ? ["catalog", "requests", "issue"] : ["queue"];
  const labels = { catalog: "catalog", requests: "my", issue: "issue", queue: "queue" };
  const nav = document.getElementById("tabs");
  nav.replaceChildren(...names.map((name) => el("button", { "data-screen": name, onclick: () => home(name) },
    t(labels[name]))));
  nav.hidden = names.length < 2;
  return names[0];
}

async function start() {
  if (!tg || !tg.initData) {  // a plain browser: nothing to sign the calls with
    await loadTexts(navigator.language).catch(() => {});
    document.getElementById("screen").replaceChildren(el("h1", {}, t("open_in_telegram")));
    return;
  }
  tg.ready();
  tg.expand();
  applyTheme();
  tg.onEvent("themeChanged", applyTheme);
  tg.BackButton.onClick(back);
  const user = tg.initDataUnsafe && tg.initDataUnsafe.user;
  // Most people who open the app order cartridges: ask for the catalog alongside, not after, who they are.
  state.prefetched = api("/catalog").catch(() => null);
  const [, me] = await Promise.all([loadTexts(user && user.language_code), api("/me").catch((e) => e)]);
  if (me instanceof Error) {
    document.getElementById("screen").replaceChildren(el("h1", {}, me.message));
    haptic("error");
    return;
  }
  state.me = me;
  if (me.lang !== document.documentElement.lang) await loadTexts(me.lang);
  home(tabs());
}

start();
