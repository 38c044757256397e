/* Pickers for forms typed at speed (the screening desk's report form, the person form): a town <select>
   becomes a field filtered as one types, a group of checkboxes a field typed by code or name whose
   choices show as chips, and a form's blank subject opens with focus in its first field and offers the
   next one. Progressive enhancement: without this script the select, the checkboxes and the subject
   behind its <details> work as they are, and the form posts the same values either way.
   No inline script, no eval (the Content Security Policy). */
"use strict";

(function () {
  var made = 0;

  function norm(text) {
    return String(text || "").toLowerCase().replace(/台/g, "臺").replace(/\s+/g, "");
  }

  function composing(event) {
    return event.isComposing || event.keyCode === 229; // Enter that ends a Chinese input method's word
  }

  // A list of choices under a text field (WAI-ARIA combobox with a listbox popup).
  function Combo(input, find, pick) {
    var list = document.createElement("ul");
    made += 1;
    list.id = "picker-list-" + made;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.insertAdjacentElement("afterend", list);
    var combo = { list: list, items: [], active: -1, moved: false };

    combo.show = function (query) {
      combo.items = find(query);
      combo.active = combo.items.length ? 0 : -1;
      combo.moved = false;
      list.textContent = "";
      combo.items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = item.label;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the field
        });
        li.addEventListener("click", function () {
          combo.active = i;
          combo.pickActive();
          input.focus();
        });
        list.appendChild(li);
      });
      list.hidden = combo.items.length === 0;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      combo.mark();
    };
    combo.hide = function () {
      list.hidden = true;
      combo.active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };
    combo.isOpen = function () {
      return !list.hidden;
    };
    combo.mark = function () {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === combo.active ? "true" : "false");
      });
      if (combo.active >= 0) {
        var current = list.children[combo.active];
        input.setAttribute("aria-activedescendant", current.id);
        current.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };
    combo.move = function (step) {
      if (!combo.items.length) return;
      combo.active = (combo.active + step + combo.items.length) % combo.items.length;
      combo.moved = true;
      combo.mark();
    };
    combo.pickActive = function () {
      var item = combo.items[combo.active];
      if (!item) return false;
      combo.hide();
      pick(item);
      return true;
    };
    input.addEventListener("blur", function () {
      window.setTimeout(combo.hide, 150);
    });
    return combo;
  }

  // A note beside a field whose typed text picked nothing; the form will not submit until it is fixed.
  function problem(input, text) {
    var note = input.parentNode.querySelector(".picker-problem");
    if (!text) {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      input.removeAttribute("data-picker-unresolved");
      return;
    }
    if (!note) {
      note = document.createElement("span");
      note.className = "picker-problem";
      note.setAttribute("role", "alert");
      made += 1;
      note.id = "picker-problem-" + made;
      input.parentNode.appendChild(note);
    }
    note.textContent = text;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.setAttribute("data-picker-unresolved", "");
  }

  // <select data-town-picker>: a text field that filters the towns as one types (民雄, 嘉義市東區, 東區).
  function townPicker(select) {
    if (select.hasAttribute("data-picker-ready")) return;
    select.setAttribute("data-picker-ready", "");
    var towns = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      var group = option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
      towns.push({ value: option.value, label: option.text, key: norm(option.text + " " + group + " " + option.value) });
    });
    var wrap = document.createElement("div");
    wrap.className = "picker";
    var input = document.createElement("input");
    input.type = "text";
    input.setAttribute("data-town-input", "");
    input.setAttribute("data-for", select.name);
    input.placeholder = select.getAttribute("data-placeholder") || "";
    // The field takes the select's id: its <label>, the error summary's links and has-error reach it.
    input.id = select.id;
    select.id = select.id + "-select";
    select.hidden = true;
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(input);
    var chosen = select.selectedIndex >= 0 && select.value ? select.options[select.selectedIndex].text : "";
    input.value = chosen;

    function matches(query) {
      var wanted = norm(query);
      return towns.filter(function (town) {
        return !wanted || town.key.indexOf(wanted) !== -1;
      });
    }
    function choose(town) {
      select.value = town ? town.value : "";
      chosen = town ? town.label : "";
      input.value = chosen;
      problem(input, "");
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var combo = Combo(input, matches, choose);

    // Leaving the field: the text must name one town (or be empty); anything else is pointed out.
    function settle() {
      var text = input.value.trim();
      if (text === chosen) return;
      if (!text) return choose(null);
      var found = matches(text);
      var exact = found.filter(function (town) {
        return norm(town.label) === norm(text) || norm(town.label).slice(-norm(text).length) === norm(text);
      });
      if (found.length === 1) return choose(found[0]);
      if (exact.length === 1) return choose(exact[0]);
      problem(input, select.getAttribute(found.length ? "data-many" : "data-none") || "");
    }

    input.addEventListener("focus", function () {
      input.select();
    });
    input.addEventListener("click", function () {
      if (!combo.isOpen()) combo.show(input.value === chosen ? "" : input.value);
    });
    input.addEventListener("input", function () {
      problem(input, "");
      if (input.value.trim()) combo.show(input.value);
      else combo.hide();
    });
    input.addEventListener("keydown", function (event) {
      if (composing(event)) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!combo.isOpen()) combo.show(input.value === chosen ? "" : input.value);
        else combo.move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        // Picks the town shown first (or the one moved to); the form's Enter then moves to the next field.
        if (combo.isOpen()) combo.pickActive();
        else settle();
      } else if (event.key === "Escape") {
        if (combo.isOpen()) event.preventDefault();
        combo.hide();
        input.value = chosen;
        problem(input, "");
      } else if (event.key === "Tab") {
        // Moving on takes the town only when it is the one match or the one moved to; an ambiguous
        // 東區 is pointed out (on leaving) rather than guessed.
        if (combo.isOpen() && input.value !== chosen && (combo.moved || combo.items.length === 1)) {
          combo.pickActive();
        }
      }
    });
    input.addEventListener("blur", settle);
  }

  // <div data-chips> around a group of checkboxes: type a code or part of a name (IPV, 親密); Enter or a
  // comma picks; the choices show as chips (× or Backspace removes). The checkboxes stay the values.
  function chipsPicker(box) {
    if (box.hasAttribute("data-picker-ready")) return;
    box.setAttribute("data-picker-ready", "");
    var group = box.querySelector("[id]");
    var options = Array.prototype.map.call(box.querySelectorAll("input[type=checkbox]"), function (check) {
      var label = check.closest("label");
      return { value: check.value, label: (label ? label.textContent : check.value).trim(), check: check };
    });
    var wrap = document.createElement("div");
    wrap.className = "picker chips-field";
    var chips = document.createElement("span");
    chips.className = "chips";
    var input = document.createElement("input");
    input.type = "text";
    input.setAttribute("data-chips-input", "");
    input.setAttribute("data-for", box.getAttribute("data-for") || "");
    input.placeholder = box.getAttribute("data-placeholder") || "";
    if (group) {
      input.id = group.id;
      group.id = group.id + "-options";
      group.hidden = true;
    }
    wrap.appendChild(chips);
    wrap.appendChild(input);
    box.insertBefore(wrap, box.firstChild);
    box.classList.add("chips-ready");
    wrap.addEventListener("click", function (event) {
      if (event.target === wrap || event.target === chips) input.focus();
    });

    function draw() {
      chips.textContent = "";
      options.forEach(function (option) {
        if (!option.check.checked) return;
        var chip = document.createElement("span");
        chip.className = "chip";
        chip.setAttribute("data-value", option.value);
        chip.appendChild(document.createTextNode(option.label));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.tabIndex = -1; // removed with Backspace from the field, or by a tap: no extra Tab stop
        remove.textContent = "×";
        remove.setAttribute("aria-label", (box.getAttribute("data-remove") || "") + " " + option.label);
        remove.addEventListener("click", function () {
          option.check.checked = false;
          draw();
          input.focus();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }
    function rank(option, wanted) {
      var code = option.value.toLowerCase();
      if (code === wanted) return 0;
      if (code.indexOf(wanted) === 0) return 1;
      if (norm(option.label).indexOf(wanted) !== -1) return 2;
      return -1;
    }
    function matches(query) {
      var wanted = norm(query);
      return options
        .filter(function (option) {
          return !option.check.checked && (!wanted || rank(option, wanted) >= 0);
        })
        .sort(function (a, b) {
          return wanted ? rank(a, wanted) - rank(b, wanted) : 0;
        });
    }
    function choose(option) {
      option.check.checked = true;
      input.value = "";
      problem(input, "");
      draw();
    }
    var combo = Combo(input, matches, choose);

    function settle() {
      var text = input.value.trim().replace(/[,，、]+$/, "");
      if (!text) {
        input.value = "";
        return problem(input, "");
      }
      var found = matches(text);
      var exact = found.filter(function (option) {
        return rank(option, norm(text)) === 0;
      });
      if (exact.length === 1 || found.length === 1) return choose(exact[0] || found[0]);
      problem(input, box.getAttribute("data-none") || "");
    }

    input.addEventListener("input", function () {
      problem(input, "");
      if (input.value.trim()) combo.show(input.value);
      else combo.hide();
    });
    input.addEventListener("click", function () {
      if (!combo.isOpen()) combo.show(input.value);
    });
    input.addEventListener("keydown", function (event) {
      if (composing(event)) return;
      var typed = input.value.trim() !== "";
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!combo.isOpen()) combo.show(input.value);
        else combo.move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter" || event.key === "," || event.key === "，" || event.key === "、") {
        // With something typed (or a choice moved to), Enter picks and stays for the next; on an empty
        // field it is the form's Enter, moving on.
        if (event.key !== "Enter" || typed || (combo.isOpen() && combo.moved)) {
          event.preventDefault();
          event.stopPropagation();
          if (combo.isOpen() && combo.active >= 0) combo.pickActive();
          else settle();
        }
      } else if (event.key === "Backspace" && !input.value) {
        var last = options.filter(function (option) {
          return option.check.checked;
        }).pop();
        if (last) {
          last.check.checked = false;
          draw();
        }
      } else if (event.key === "Escape") {
        if (combo.isOpen()) event.preventDefault();
        combo.hide();
      } else if (event.key === "Tab" && typed) {
        if (combo.isOpen() && combo.active >= 0 && (combo.moved || combo.items.length === 1)) combo.pickActive();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== input) settle();
      }, 160);
    });
    draw();
  }

  function enhance(root) {
    root.querySelectorAll("select[data-town-picker]").forEach(townPicker);
    root.querySelectorAll("[data-chips]").forEach(chipsPicker);
  }

  // A blank subject behind 「新增通報對象」: opening it puts the focus in its first field, and the next
  // blank one is added after it from the form's <template> (the formset's count goes up by one).
  document.addEventListener(
    "toggle",
    function (event) {
      var slot = event.target;
      if (!(slot instanceof HTMLDetailsElement) || !slot.matches("[data-subject-slot]") || !slot.open) return;
      var first = slot.querySelector("fieldset select, fieldset input:not([type=hidden])");
      if (first) first.focus();
      if (slot.hasAttribute("data-followed")) return;
      slot.setAttribute("data-followed", "");
      var form = slot.closest("form");
      var template = form && form.querySelector("template[data-subject-template]");
      var total = form && form.querySelector("[data-total-forms]");
      var most = form && form.querySelector("[data-max-forms]");
      if (!template || !total) return;
      var index = parseInt(total.value, 10);
      if (most && index >= parseInt(most.value, 10)) return;
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      var next = holder.firstElementChild;
      slot.insertAdjacentElement("afterend", next);
      total.value = String(index + 1);
      enhance(next);
      if (window.htmx) window.htmx.process(next);
    },
    true
  );

  // Enter on a <summary> (「新增通報對象」, the folded fields) opens it, in a form where Enter otherwise
  // moves to the next field: the move is for fields, and a summary is not one of the form's fields.
  document.addEventListener(
    "keydown",
    function (event) {
      var target = event.target;
      if (event.key === "Enter" && target instanceof HTMLElement && target.tagName === "SUMMARY") {
        if (target.closest("form[data-enter-moves]")) event.stopPropagation();
      }
    },
    true
  );

  // Typed text that picked nothing would be lost on submit: the form waits, and the field says why.
  document.addEventListener(
    "submit",
    function (event) {
      var open = event.target.querySelector("[data-picker-unresolved]");
      if (open) {
        event.preventDefault();
        event.stopImmediatePropagation();
        open.focus();
      }
    },
    true
  );

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    enhance(event.target);
  });
})();
