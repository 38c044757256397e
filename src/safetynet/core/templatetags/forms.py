"""`{% error_summary form formset … %}`: every problem of a failed submit in one list at the top of the
page, each linked to its field; the page focuses it on load (`core/app.js`), so a person using a phone or
a screen reader learns at once that the form came back, and why."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()

Item = tuple[str, str, str]  # (field label, message, id of the field to go to)


def _form_items(form: forms.BaseForm, where: str = "") -> list[Item]:
    items: list[Item] = []
    first_visible = next((f for f in form.visible_fields()), None)
    for message in form.non_field_errors():
        items.append((where, str(message), first_visible.id_for_label if first_visible else ""))
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        label = f"{where} {bound.label}".strip() if bound.label else where
        anchor = "" if bound.is_hidden else bound.id_for_label or bound.auto_id or ""
        items.extend((label, str(message), anchor) for message in errors)
    return items


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*found: Any) -> dict[str, Any]:
    items: list[Item] = []
    for thing in found:
        if isinstance(thing, forms.BaseFormSet):
            items.extend(("", str(message), "") for message in thing.non_form_errors())
            for index, form in enumerate(thing.forms):
                items.extend(_form_items(form, getattr(form, "summary_label", "") or f"#{index + 1}"))
        elif isinstance(thing, forms.BaseForm):
            items.extend(_form_items(thing, getattr(thing, "summary_label", "")))
    return {"items": items}
