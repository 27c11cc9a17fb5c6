// The panel's few behaviours, kept out of the templates so the Content-Security-Policy can forbid inline script.
"use strict";

document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});

document.addEventListener("click", (event) => {
  const target = event.target;
  if (target.closest("[data-select-on-click]")) target.select();
  if (target.closest("[data-print]")) window.print();
});
