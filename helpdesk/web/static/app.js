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
