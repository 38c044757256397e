/* Small behaviours of the pages, here rather than in inline event handlers (the Content Security Policy
   allows no inline script). Delegated from the document, so they also work in parts HTMX swaps in. */
"use strict";

// <select data-submit-on-change>: choosing an option submits its form (the language switch).
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-submit-on-change") && select.form) {
    select.form.submit();
  }
});

// <button data-minutes="15"> in a form: fills the form's `minutes` field (the contact form's quick picks).
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("button[data-minutes]") : null;
  if (button && button.form && button.form.elements.namedItem("minutes")) {
    button.form.elements.namedItem("minutes").value = button.getAttribute("data-minutes");
  }
});
