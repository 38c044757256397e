"""Alerts on abuse of access: the list with its dashboard (alerts by rule and unit over time), an
alert with the entries behind it and its review, the rules (administrators), and a person's page of
who read their file (administrators)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from safetynet.audit import services
from safetynet.audit.forms import OBJECT_TYPES, AlertFilterForm, AlertReviewForm, AlertRuleForm
from safetynet.audit.models import Action, Alert, AlertKind, AlertRule, AlertStatus, AuditEntry
from safetynet.audit.watch import entries_of_person
from safetynet.core import words
from safetynet.core.access import K, kinds_required, protected_person_ids, staff_of
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error
from safetynet.domain import charts, rocdate
from safetynet.domain.referral import mask_name
from safetynet.org.models import Role, Staff, Unit
from safetynet.people.models import Person

PAGE_SIZE = 50
ENTRIES_SHOWN = 300
WEEKS, MONTHS = 8, 6


def count_text(kind: str, n: int) -> str:
    """What an alert counted, in words: 21 persons, 3 days, 6 searches."""
    if kind == AlertKind.UNRELATED_READS:
        return ngettext("%(n)d person", "%(n)d persons", n) % {"n": n}
    if kind == AlertKind.REPEATED_LOOKUPS:
        return ngettext("on %(n)d day", "on %(n)d days", n) % {"n": n}
    if kind == AlertKind.FAILED_ID_SEARCHES:
        return ngettext("%(n)d search", "%(n)d searches", n) % {"n": n}
    if kind == AlertKind.OFF_HOURS:
        return ngettext("%(n)d read or export", "%(n)d reads or exports", n) % {"n": n}
    return ngettext("%(n)d read", "%(n)d reads", n) % {"n": n}


def window_text(rule: AlertRule) -> str:
    n = rule.window
    if rule.window_unit == "days":
        return ngettext("a day", "%(n)d days", n) % {"n": n}
    if rule.window_unit == "hours":
        return ngettext("an hour", "%(n)d hours", n) % {"n": n}
    return ngettext("a minute", "%(n)d minutes", n) % {"n": n}


def rule_text(rule: AlertRule) -> str:
    """The rule as a sentence with its numbers."""
    values = {"n": rule.threshold, "window": window_text(rule)}
    if rule.kind == AlertKind.UNRELATED_READS:
        text = _(
            "A reader opens the records of more than %(n)d persons with no case, report or referral of theirs in %(window)s."
        )
    elif rule.kind == AlertKind.PROTECTED_READS:
        text = _(
            "A sexual-assault victim is shown to someone outside the FPC (family violence prevention centre) who does not serve them, or through a break-glass opening (more than %(n)d times in %(window)s)."
        )
    elif rule.kind == AlertKind.OFF_HOURS:
        values.update(starts=rule.day_starts.strftime("%H:%M"), ends=rule.day_ends.strftime("%H:%M"))
        text = _(
            "More than %(n)d reads, searches or exports in %(window)s outside working hours (%(starts)s–%(ends)s on working days)."
        )
    elif rule.kind == AlertKind.REPEATED_LOOKUPS:
        text = _(
            "The same person, with no case, report or referral of the reader's, opened on more than %(n)d different days in %(window)s."
        )
    else:
        text = _("More than %(n)d searches by national ID that found nobody in %(window)s.")
    return text % values


# Records whose number a reader uses (a case number, a report's, a referral's); a person's or a
# household's number is internal, and the persons are named beside it.
NUMBERED = frozenset({"cases.case", "intake.report", "referrals.referral"})


def span(first: datetime.datetime, last: datetime.datetime) -> str:
    """115/12/07 07:02–07:40 within a day, else both in full."""
    start, end = timezone.localtime(first), timezone.localtime(last)
    text = f"{rocdate.format(start.date(), 'slash')} {start:%H:%M}"
    if (start.date(), f"{start:%H:%M}") == (end.date(), f"{end:%H:%M}"):
        return text
    if start.date() == end.date():
        return f"{text}–{end:%H:%M}"
    return f"{text} – {rocdate.format(end.date(), 'slash')} {end:%H:%M}"


def rule_choices() -> list[tuple[str, str]]:
    return [(kind, words.term(label)) for kind, label in AlertKind.choices]


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _periods(by: str, today: datetime.date) -> list[datetime.date]:
    """The starts of the last weeks (Mondays) or months, oldest first."""
    if by == "month":
        starts = [today.replace(day=1)]
        while len(starts) < MONTHS:
            previous = starts[-1] - datetime.timedelta(days=1)
            starts.append(previous.replace(day=1))
        return starts[::-1]
    monday = _week_start(today)
    return [monday - datetime.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _period_of(day: datetime.date, by: str) -> datetime.date:
    return day.replace(day=1) if by == "month" else _week_start(day)


def _period_label(start: datetime.date, by: str) -> str:
    roc = rocdate.format(start, "slash")  # 115/11/30
    return roc.rsplit("/", 1)[0] if by == "month" else roc


def dashboard(alerts: QuerySet[Alert], by: str) -> dict[str, Any]:
    """Alerts by rule and unit per week or month (the alert's period), as a table and a stacked chart."""
    today = timezone.localdate()
    periods = _periods(by, today)
    since = timezone.make_aware(datetime.datetime.combine(periods[0], datetime.time.min))
    counts: Counter[tuple[str, int | None, datetime.date]] = Counter()
    for rule_kind, unit, opened in alerts.filter(period__gte=since).values_list(
        "rule__kind", "unit_id", "period"
    ):
        counts[(rule_kind, unit, _period_of(timezone.localtime(opened).date(), by))] += 1
    units = Unit.objects.in_bulk({unit for _k, unit, _p in counts if unit is not None})
    names = dict(rule_choices())
    rows = []
    for kind, unit_id in sorted(
        {(k, u) for k, u, _p in counts}, key=lambda r: (list(names).index(r[0]), r[1] or 0)
    ):
        cells = [counts[(kind, unit_id, p)] for p in periods]
        rows.append(
            {
                "rule": names.get(kind, kind),
                "unit": units.get(unit_id) if unit_id else None,
                "cells": cells,
                "total": sum(cells),
            }
        )
    labels = [_period_label(p, by) for p in periods]
    per_rule: Counter[tuple[str, datetime.date]] = Counter()
    for (rule_kind, _unit, start), n in counts.items():
        per_rule[(rule_kind, start)] += n
    series = [
        charts.Series(label, tuple(per_rule[(kind, p)] for p in periods))
        for kind, label in names.items()
        if any(per_rule[(kind, p)] for p in periods)
    ]
    chart = charts.stacked_chart(
        labels,
        series,
        title=_("Alerts by rule"),
        description=_("Alerts opened per week by rule")
        if by == "week"
        else _("Alerts opened per month by rule"),
        empty_text=_("No alert in these weeks.") if by == "week" else _("No alert in these months."),
        y_label=_("alerts"),
        chart_id="alerts-by-rule",
    )
    return {"labels": labels, "rows": rows, "chart": mark_safe(chart), "by": by}  # noqa: S308 - escaped SVG


@kinds_required(K.SUPERVISOR, K.ADMIN)
@require_safe
def alerts(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or {"status": "open"}, rules=rule_choices())
    visible = services.alerts_visible_to(request.user)
    shown = visible
    by = "week"
    if form.is_valid():
        if form.cleaned_data["status"]:
            shown = shown.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["rule"]:
            shown = shown.filter(rule__kind=form.cleaned_data["rule"])
        by = form.cleaned_data["by"] or "week"
    page = Paginator(shown.order_by("-last", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for alert in page:
        alert.count_text = count_text(alert.rule.kind, alert.count)  # type: ignore[attr-defined]
        alert.span = span(alert.first, alert.last)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    periods = {}
    for choice in ("week", "month"):
        other = query.copy()
        other["by"] = choice
        periods[choice] = other.urlencode()
    return render(
        request,
        "audit/alerts.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "query_week": periods["week"],
            "query_month": periods["month"],
            "waiting": visible.filter(status=AlertStatus.OPEN).count(),
            "board": dashboard(visible, by),
            "is_admin": staff_of(request.user).role.kind == K.ADMIN,  # type: ignore[union-attr]
        },
    )


def _alert_for(user: Any, pk: int) -> Alert:
    """The alert if the user reviews it; 404 for missing and out of scope alike."""
    alert = services.alerts_visible_to(user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def _persons(ids: list[int]) -> list[dict[str, Any]]:
    """Persons as a reviewer sees them on an alert: a masked name and their town, never the ID."""
    found = Person.objects.filter(pk__in=ids).select_related("town")
    by_pk = {p.pk: p for p in found}
    return [
        {"pk": pk, "name": mask_name(by_pk[pk].name), "town": by_pk[pk].town} for pk in ids if pk in by_pk
    ]


def _entry_rows(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Entries with their words: the reader's role, the kind of record, the persons' masked names."""
    roles = dict(Role.objects.values_list("code", "name"))
    kinds = dict(OBJECT_TYPES)
    everyone = sorted({pk for e in entries for pk in e.subject_ids})
    names = {p["pk"]: p["name"] for p in _persons(everyone)}
    for entry in entries:
        entry.role_name = roles.get(entry.role, entry.role)  # type: ignore[attr-defined]
        kind = str(kinds.get(entry.object_type, ""))
        numbered = entry.object_type in NUMBERED and entry.object_id
        entry.record_text = f"{kind} {entry.object_id}" if numbered else kind  # type: ignore[attr-defined]
        entry.person_text = words.joined(names.get(pk, "") for pk in entry.subject_ids)  # type: ignore[attr-defined]
    return entries


def _alert_page(request: HttpRequest, alert: Alert, form: AlertReviewForm, status: int = 200) -> HttpResponse:
    alert.count_text = count_text(alert.rule.kind, alert.count)  # type: ignore[attr-defined]
    alert.rule_text = rule_text(alert.rule)  # type: ignore[attr-defined]
    alert.span = span(alert.first, alert.last)  # type: ignore[attr-defined]
    entries = _entry_rows(list(alert.entries.order_by("seq")[:ENTRIES_SHOWN]))
    services.record(
        Action.READ,
        user=request.user,
        target=alert,
        persons=alert.person_ids,
        detail={"entries": len(entries)},
    )
    return render(
        request,
        "audit/alert.html",
        {
            "alert": alert,
            "entries": entries,
            "more": max(alert.entries.count() - len(entries), 0),
            "persons": _persons(alert.person_ids),
            "form": form,
            "is_admin": staff_of(request.user).role.kind == K.ADMIN,  # type: ignore[union-attr]
        },
        status=status,
    )


@kinds_required(K.SUPERVISOR, K.ADMIN)
@require_safe
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_page(request, _alert_for(request.user, pk), AlertReviewForm())


@kinds_required(K.SUPERVISOR, K.ADMIN)
@require_POST
def alert_review(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_for(request.user, pk)
    form = AlertReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_alert(
                alert, status=form.cleaned_data["status"], note=form.cleaned_data["note"], by=request.user
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("audit:alert", pk=alert.pk)
    return _alert_page(request, alert, form, status=400)


def _rule_forms(
    bound: AlertRule | None = None, form: AlertRuleForm | None = None
) -> list[tuple[AlertRule, AlertRuleForm]]:
    rows = []
    for rule in AlertRule.objects.order_by("id"):
        if bound is not None and rule.pk == bound.pk and form is not None:
            rows.append((rule, form))
            continue
        initial = {name: getattr(rule, name) for name in services.RULE_FIELDS}
        rows.append((rule, AlertRuleForm(initial=initial, prefix=f"r{rule.pk}")))
    for rule, _form in rows:
        rule.text = rule_text(rule)  # type: ignore[attr-defined]
    return rows


@kinds_required(K.ADMIN)
@require_safe
def alert_rules(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/alert_rules.html", {"rules": _rule_forms()})


@kinds_required(K.ADMIN)
@require_POST
def alert_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = AlertRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    form = AlertRuleForm(request.POST, prefix=f"r{rule.pk}")
    if form.is_valid():
        try:
            services.update_alert_rule(rule, by=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("audit:alert_rules")
    return render(request, "audit/alert_rules.html", {"rules": _rule_forms(rule, form)}, status=400)


@kinds_required(K.ADMIN)
@require_safe
def person_reads(request: HttpRequest, pk: int) -> HttpResponse:
    """Who read this person's file: each reader with how often, when, and through break-glass; then the
    entries. The person of another county is not found."""
    staff = staff_of(request.user)
    person = Person.objects.filter(pk=pk, town__county_id=staff.unit.county_id).select_related("town").first()  # type: ignore[union-attr]
    if person is None:
        raise Http404
    entries = AuditEntry.objects.filter(entries_of_person(person.pk)).exclude(
        object_type__startswith="audit."
    )
    readers: list[dict[str, Any]] = [
        dict(row)
        for row in entries.filter(user__isnull=False)
        .values("user_id")
        .annotate(
            reads=Count("pk"),
            flagged=Count("pk", filter=Q(flagged=True)),
            first=Min("at"),
            last=Max("at"),
        )
        .order_by("-last")
    ]
    staff_by_user = {
        s.user_id: s
        for s in Staff.objects.filter(user_id__in=[r["user_id"] for r in readers]).select_related(
            "unit", "role"
        )
    }
    for row in readers:
        row["staff"] = staff_by_user.get(row["user_id"])
    alerted = set(Alert.objects.filter(persons__contains=f"|{person.pk}|").values_list("user_id", flat=True))
    for row in readers:
        row["alerted"] = row["user_id"] in alerted
    page = Paginator(entries.select_related("user__staff").order_by("-seq"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _entry_rows(list(page))
    services.record(
        Action.SEARCH,
        user=request.user,
        object_type="audit.auditentry",
        persons=[person.pk],
        detail={"filters": ["person"]},
    )
    return render(
        request,
        "audit/person_reads.html",
        {
            "person": {"pk": person.pk, "name": mask_name(person.name), "town": person.town},
            "protected": protected_person_ids().filter(person_id=person.pk).exists(),
            "readers": readers,
            "page": page,
        },
    )
