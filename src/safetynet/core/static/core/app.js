/* Small behaviours of the pages, here rather than in inline event handlers (the Content Security Policy
   allows no inline script). Delegated from the document, so they also work in parts HTMX swaps in. */
"use strict";

// <button data-minutes="15"> in a form: fills the form's `minutes` field (the contact form's quick picks).
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("button[data-minutes]") : null;
  if (button && button.form && button.form.elements.namedItem("minutes")) {
    button.form.elements.namedItem("minutes").value = button.getAttribute("data-minutes");
  }
});

// The phone menu: the button in the header opens and closes the areas.
document.addEventListener("click", function (event) {
  var toggle = event.target instanceof Element ? event.target.closest("[data-menu-toggle]") : null;
  if (!toggle) return;
  var header = toggle.closest("[data-menu]");
  var open = header.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});

// Tables become cards on a phone: each cell carries its column's name (see app.css).
function labelTables(root) {
  root.querySelectorAll(".table-wrap > table:not([data-keep-table])").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!heads) return;
    var names = [];
    Array.prototype.forEach.call(heads.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) names.push(cell.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", (cell.colSpan || 1) > 1 ? "" : names[column] || "");
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("cards");
  });
}

// A table or chart wider than its box scrolls sideways: while it does, it is a region named by its
// caption, its chart's title or the heading before it, and takes focus, so that a keyboard can scroll it.
var scrollLabels = 0;
function labelOf(box) {
  var own = box.querySelector("caption, svg > title");
  if (own && own.textContent.trim()) return own;
  for (var el = box; el && el !== document.body; el = el.parentElement) {
    for (var before = el.previousElementSibling; before; before = before.previousElementSibling) {
      if (/^H[1-6]$/.test(before.tagName)) return before;
    }
  }
  return document.querySelector("main h1");
}
function markScrollers(root) {
  root.querySelectorAll(".table-wrap, .chart-scroll").forEach(function (box) {
    if (box.hasAttribute("tabindex") && !box.hasAttribute("data-scroll-region")) return; // the page's own
    if (box.scrollWidth > box.clientWidth + 1) {
      if (box.hasAttribute("data-scroll-region")) return;
      var label = labelOf(box);
      if (label) {
        if (!label.id) label.id = "scroll-label-" + ++scrollLabels;
        box.setAttribute("aria-labelledby", label.id);
      }
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-region", "");
    } else if (box.hasAttribute("data-scroll-region")) {
      ["role", "tabindex", "aria-labelledby", "data-scroll-region"].forEach(function (name) { box.removeAttribute(name); });
    }
  });
}
var scrollCheck = 0;
window.addEventListener("resize", function () {
  cancelAnimationFrame(scrollCheck);
  scrollCheck = requestAnimationFrame(function () { markScrollers(document); });
});

// A failed submit: the error summary takes focus; its links move to the field they name.
function focusErrors(root) {
  var summary = root.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
}
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element ? event.target.closest("a[data-focus-field]") : null;
  if (!link) return;
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (field) {
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  }
});

// Irreversible actions ask first: a submit button with data-confirm="…" (also when Enter submits).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var text = button && button.getAttribute("data-confirm");
  if (text && !window.confirm(text)) event.preventDefault();
}, true);

// <form data-enter-moves>: Enter in a one-line field moves to the next field instead of submitting.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || event.isComposing || !(field instanceof HTMLElement)) return;
  var form = field.closest("form[data-enter-moves]");
  // Only one-line fields and selects: Enter keeps its meaning on buttons, links, <summary> and textareas.
  if (!form || !(field instanceof HTMLInputElement || field instanceof HTMLSelectElement)) return;
  if (field instanceof HTMLInputElement && /^(submit|button|reset|image)$/.test(field.type)) return;
  event.preventDefault();
  var stops = Array.prototype.filter.call(form.elements, function (el) {
    return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0 && el.offsetParent !== null;
  });
  var next = stops[stops.indexOf(field) + 1];
  if (next) next.focus();
});

document.addEventListener("DOMContentLoaded", function () {
  labelTables(document);
  markScrollers(document);
  focusErrors(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  labelTables(event.target.parentElement || document);
  markScrollers(document);
});
