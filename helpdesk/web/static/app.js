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

document.addEventListener("click", (event) => {
  const target = event.target;
  if (target.closest("[data-select-on-click]")) target.select();
  if (target.closest("[data-print]")) window.print();
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
