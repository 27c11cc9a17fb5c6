// The panel's few behaviours, kept out of the templates so the Content-Security-Policy can forbid inline script.
"use strict";

document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});

// A form marked data-confirm asks first (cancelling a request, deactivating a person): one stray tap is not enough.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

document.addEventListener("change", (event) => {
  // "Select all" ticks every checkbox of that name on the page (the requests list's bulk actions).
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  for (const box of document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)) {
    box.checked = all.checked;
  }
});

document.addEventListener("click", (event) => {
  const target = event.target;
  if (target.closest("[data-select-on-click]")) target.select();
  if (target.closest("[data-print]")) window.print();
  if (target.closest("[data-reload]")) window.location.reload();
});

// Narrow screens show each table row as a card: every cell is labelled with its column's header.
function labelTableCells() {
  for (const table of document.querySelectorAll("table.table")) {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!heads.length) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
      });
    }
  }
}

// Filters fold away on a phone unless some are in use; on a wider screen they are always open.
function foldFilters() {
  const narrow = window.matchMedia("(max-width: 720px)");
  const apply = () => {
    for (const box of document.querySelectorAll("details.filters-box")) {
      box.open = !narrow.matches || box.hasAttribute("data-active");
    }
  };
  apply();
  narrow.addEventListener("change", apply);
}

// Live updates: every 10 s (while the tab is visible) ask whether what this page shows has changed, and
// if so offer a refresh rather than reloading under the user's hands.
const POLL_MS = 10000;
function watchChanges() {
  const banner = document.querySelector("[data-live-url]");
  if (!banner) return;
  const check = async () => {
    if (document.hidden || !banner.hidden) return;
    try {
      const response = await fetch(banner.dataset.liveUrl, {credentials: "same-origin", headers: {Accept: "application/json"}});
      if (!response.ok) return;
      const {stamp} = await response.json();
      if (stamp !== banner.dataset.liveStamp) banner.hidden = false;
    } catch (error) {
      // offline for a moment: try again at the next tick
    }
  };
  window.setInterval(check, POLL_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  labelTableCells();
  foldFilters();
  watchChanges();
});

// The new-request form: sections marked data-for-kind show (and submit) only for that kind of request.
function showSections(select) {
  const kind = select.selectedOptions[0] ? select.selectedOptions[0].dataset.kind : "";
  for (const section of select.form.querySelectorAll("[data-for-kind]")) {
    const on = section.dataset.forKind === kind;
    section.hidden = !on;
    section.disabled = !on;
  }
}

document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-sections]")) showSections(event.target);
});
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-sections]")) showSections(select);
});

// Report tables sort by a header's column on click (numbers by their value, text by the locale's order).
document.addEventListener("click", (event) => {
  const th = event.target.closest("table[data-sortable] thead th");
  if (!th) return;
  const table = th.closest("table");
  const index = Array.from(th.parentNode.children).indexOf(th);
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  for (const other of th.parentNode.children) other.removeAttribute("aria-sort");
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const key = (row) => {
    const cell = row.children[index];
    const raw = cell ? (cell.dataset.value ?? cell.textContent.trim()) : "";
    const number = Number(raw.replace(",", "."));
    return raw !== "" && !Number.isNaN(number) ? number : raw;
  };
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return ascending ? order : -order;
  });
  for (const row of rows) body.appendChild(row);
});
