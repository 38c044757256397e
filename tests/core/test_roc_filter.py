from __future__ import annotations

import datetime

from django.template import Context, Template
from django.utils import timezone, translation

from safetynet.core.forms import ROCDateField
from safetynet.domain.indicators import period_of


def render(text: str, **context: object) -> str:
    return Template(text).render(Context(context))


def test_it_renders_dates_in_roc_styles() -> None:
    day = datetime.date(2021, 11, 24)
    assert render("{{ d|roc }}", d=day) == "110/11/24"
    assert render('{{ d|roc:"dot" }}', d=day) == "110.11.24"
    assert render('{{ d|roc:"compact" }}', d=day) == "1101124"
    assert render("{{ d|roc }}", d=None) == ""


def test_it_renders_datetimes_in_taipei_time() -> None:
    moment = datetime.datetime(2021, 11, 23, 16, 30, tzinfo=datetime.UTC)
    with timezone.override("Asia/Taipei"):
        assert render("{{ t|roc }}", t=moment) == "110/11/24 00:30"


def test_it_shows_a_date_back_in_the_roc_form_people_type() -> None:
    field = ROCDateField()
    assert field.clean("民國110年11月24日") == datetime.date(2021, 11, 24)
    assert field.widget.format_value(datetime.date(2021, 11, 24)) == "110/11/24"


def test_it_renders_dates_for_an_english_reader_as_iso_with_the_roc_year_in_sentences() -> None:
    day = datetime.date(2026, 12, 7)
    with translation.override("en"):
        assert render("{{ d|roc }}", d=day) == "2026-12-07"
        assert render('{{ d|roc:"long" }}', d=day) == "2026-12-07 (ROC 115)"
    with translation.override("zh-hant"):
        assert render('{{ d|roc:"long" }}', d=day) == "115年12月7日"


def test_it_names_indicator_periods_for_either_reader() -> None:
    school_year = period_of("school_year", 110)
    with translation.override("en"):
        assert render("{{ p|period_name }}", p=school_year) == "School year 2021–22 (ROC 110)"
        assert render("{{ p|period_name }}", p=period_of("quarter", 115, 2)) == "2026 Q2 (ROC 115)"
    with translation.override("zh-hant"):
        assert render("{{ p|period_name }}", p=school_year) == "110學年度"
