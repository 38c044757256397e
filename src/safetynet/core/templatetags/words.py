"""Words for codes in templates: `{{ case.route|route_name }}`, `{{ subject.types|type_names }}`,
`{{ case.get_status_display|term }}`, `{{ role|local_name }}`, `{{ user|staff_name }}`,
`{{ assessment|assessment_label }}` (see `core.words`)."""

from __future__ import annotations

from django import template

from safetynet.core import words

register = template.Library()

for _name in (
    "term",
    "local_name",
    "route_name",
    "type_name",
    "type_names",
    "source_name",
    "flag_name",
    "subject_role_name",
    "list_name",
    "staff_name",
    "clock_label",
    "instrument_name",
    "assessment_label",
):
    register.filter(_name, getattr(words, _name))


@register.simple_tag
def colon() -> str:
    """`{% translate "Where" %}{% colon %}…`: 「：」 in zh-Hant, ": " in English."""
    return ": " if words.english() else "："


@register.simple_tag
def comma() -> str:
    """Between the items of a list: 「、」 in zh-Hant, ", " in English."""
    return ", " if words.english() else "、"
