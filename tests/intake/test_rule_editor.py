from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from safetynet.domain.triage import RuleSet, default_rule_set
from safetynet.intake import services
from safetynet.intake.models import RuleSetVersion
from safetynet.intake.rules import current_rule_set

pytestmark = pytest.mark.django_db


def form_data(client: Client, base: str = "v1", **changes: Any) -> dict[str, Any]:
    """What the draft form posts when nothing is touched, with `changes` applied."""
    form = client.get(f"/intake/rules/{base}/draft/").context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def rule_index(rule_id: str) -> int:
    return next(i for i, rule in enumerate(default_rule_set().rules) if rule.id == rule_id)


def draft(version: str = "v2", **parameters: Any) -> RuleSetVersion:
    document = default_rule_set().to_dict()
    document["version"] = version
    document["parameters"].update(parameters)
    return services.draft_rule_set(document, notes="測試草稿")


def test_it_lists_the_shipped_default_first_as_in_use(as_user) -> None:  # type: ignore[no-untyped-def]
    draft("v2")
    response = as_user("admin").get("/intake/rules/")
    versions = [row["version"] for row in response.context["rows"]]
    assert [(v.version, v.builtin, v.status) for v in versions] == [
        ("v1", True, "current"),
        ("v2", False, "draft"),
    ]
    html = response.content.decode()
    assert "內建預設" in html and "使用中" in html and "草稿" in html


def test_it_lists_who_published_a_version_and_marks_the_one_in_use(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = get_user_model().objects.get(username="admin")
    services.publish_rule_set(draft("v2"), by=admin)
    draft("v3")
    rows = as_user("manager").get("/intake/rules/").context["rows"]
    assert [(r["version"].version, r["version"].status) for r in rows] == [
        ("v1", "published"),
        ("v2", "current"),
        ("v3", "draft"),
    ]
    assert rows[1]["published_by"] == admin.staff.name


def test_the_detail_page_summarises_parameters_clocks_and_rules_in_words(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").get("/intake/rules/v1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>v1 · 預設篩派規則 v1</h1>" in html and "Asia/Taipei" in html
    assert "不開案：未符合任何篩派規則，不開案" in html
    assert "親密關係暴力高度危險" in html
    assert "TIPVDA 分數 ≥ 8（參數 tipvda_high）" in html
    assert "通報類型為 兒少保護" in html
    assert "家防中心 · P1 · 第1級" in html
    assert "24 小時" in html and "兒少保護第2級首次面訪" in html
    assert "<details>" in html and "&quot;tipvda_high&quot;: 8" in html


def test_a_draft_shows_what_it_changes_against_the_version_in_force(as_user) -> None:  # type: ignore[no-untyped-def]
    draft("v2", tipvda_high=10)
    response = as_user("admin").get("/intake/rules/v2/")
    diff = response.context["diff"]
    assert [(c.key, c.before, c.after) for c in diff.parameters] == [("tipvda_high", "8", "10")]
    assert "發布…" in response.content.decode()


def test_the_editor_drafts_a_version_that_can_be_published_and_becomes_current(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    witness, dv = rule_index("R3-EDU-WITNESS"), rule_index("R3-DV")
    data = form_data(
        admin,
        version="v2",
        name="篩派規則 v2",
        notes="TIPVDA 10 分起列高危機",
        parameter_tipvda_high=10,
        clock_cp2_first_visit=3,
    )
    del data[f"rule_{witness}_enabled"]  # the box unticked
    data[f"rule_{dv}_reason"] = "家庭暴力等保護通報，由家防中心處理"
    response = admin.post("/intake/rules/v1/draft/", data)
    assert response.status_code == 302 and response["Location"] == "/intake/rules/v2/"
    row = RuleSetVersion.objects.get(version="v2")
    assert (row.name, row.notes, row.published_at) == ("篩派規則 v2", "TIPVDA 10 分起列高危機", None)
    assert row.created_by is not None and row.created_by.username == "admin"
    rules = RuleSet.from_dict(row.document)
    assert rules.parameters["tipvda_high"] == 10
    assert rules.clocks["cp2_first_visit"].days == 3
    assert not rules.rule("R3-EDU-WITNESS").enabled
    assert rules.rule("R3-DV").reason == "家庭暴力等保護通報，由家防中心處理"
    assert current_rule_set().version == "v1"  # a draft changes nothing yet

    confirm = admin.get("/intake/rules/v2/publish/")
    assert confirm.status_code == 200 and confirm.context["result"].against == "v1"
    assert admin.post("/intake/rules/v2/publish/").status_code == 302
    assert current_rule_set().version == "v2"
    row.refresh_from_db()
    assert row.published_by is not None and row.published_by.username == "admin"


def test_a_draft_with_a_bad_clock_names_the_field_and_saves_nothing(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    response = admin.post("/intake/rules/v1/draft/", form_data(admin, version="v2", clock_screening=-1))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["clock_screening"]
    assert "clocks.screening.hours" in errors["clock_screening"][0]
    assert 'data-field="clock_screening"' in response.content.decode()
    assert not RuleSetVersion.objects.exists()


def test_a_parameter_out_of_range_is_shown_on_the_parameter(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    response = admin.post("/intake/rules/v1/draft/", form_data(admin, version="v2", parameter_tipvda_high=20))
    errors = response.context["form"].errors
    assert list(errors) == ["parameter_tipvda_high"]
    assert "tipvda_high" in errors["parameter_tipvda_high"][0]
    assert not RuleSetVersion.objects.exists()


def test_an_empty_reason_names_the_rule(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    field = f"rule_{rule_index('R3-DV')}_reason"
    response = admin.post("/intake/rules/v1/draft/", form_data(admin, version="v2", **{field: " "}))
    assert field in response.context["form"].errors
    assert not RuleSetVersion.objects.exists()


def test_a_taken_version_is_an_error_on_the_version_field(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    for taken in ("v1", "v 2"):
        response = admin.post("/intake/rules/v1/draft/", form_data(admin, version=taken))
        assert list(response.context["form"].errors) == ["version"]
    assert not RuleSetVersion.objects.exists()


def test_bad_json_in_the_advanced_field_is_a_form_error(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    for text in ('{"version": ', "[1, 2]"):
        response = admin.post("/intake/rules/v1/draft/", form_data(admin, version="v2", document=text))
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["document"]
        assert "<details open" in response.content.decode()
    assert not RuleSetVersion.objects.exists()


def test_changed_json_takes_precedence_and_its_problems_name_the_path(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    document = default_rule_set().to_dict()
    document["rules"][0]["when"] = {"types_any": ["XX"]}
    response = admin.post(
        "/intake/rules/v1/draft/",
        form_data(admin, version="v2", document=json.dumps(document, ensure_ascii=False)),
    )
    errors = response.context["form"].errors
    assert list(errors) == ["document"] and "rules[0].when.types_any[0]" in errors["document"][0]
    document["rules"][0]["when"] = {"types_any": ["CP"]}
    document["parameters"]["tipvda_high"] = 7
    data = form_data(admin, version="v2", parameter_tipvda_high=12, document=json.dumps(document))
    assert admin.post("/intake/rules/v1/draft/", data).status_code == 302
    stored = RuleSetVersion.objects.get(version="v2").document
    assert stored["parameters"]["tipvda_high"] == 7  # the JSON, not the field
    assert stored["version"] == "v2"  # the version field still names it


def test_publishing_twice_or_a_published_version_is_a_message_not_an_error(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    draft("v2")
    assert admin.post("/intake/rules/v2/publish/").status_code == 302
    again = admin.post("/intake/rules/v2/publish/", follow=True)
    assert again.status_code == 200
    assert "不是草稿" in again.content.decode()
    builtin = admin.get("/intake/rules/v1/publish/")
    assert builtin.status_code == 302 and builtin["Location"] == "/intake/rules/v1/"


def test_the_publish_step_shows_the_whatif_of_the_last_90_days(as_user) -> None:  # type: ignore[no-untyped-def]
    screener = get_user_model().objects.get(username="screener")
    received = timezone.localtime() - datetime.timedelta(days=2)
    report = services.receive_report(
        {
            "received_at": received.isoformat(),
            "area": "10010",
            "source": "113",
            "subjects": [
                {"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020", "tipvda_score": 9}
            ],
        },
        by=screener,
    ).report
    draft("v2", tipvda_high=10)
    response = as_user("admin").get("/intake/rules/v2/publish/")
    result = response.context["result"]
    assert report.pk in {c.report_id for c in result.changed}
    assert (result.end - result.start).days == 90
    html = response.content.decode()
    assert "確認發布 v2" in html and "tipvda_high" in html
    assert current_rule_set().version == "v1"  # looking is not publishing


def test_other_roles_cannot_draft_or_publish(as_user) -> None:  # type: ignore[no-untyped-def]
    draft("v2")
    for persona in ("worker", "supervisor", "screener", "reviewer"):
        client = as_user(persona)
        assert client.post("/intake/rules/v1/draft/", {"version": "v3", "name": "x"}).status_code == 403
        assert client.post("/intake/rules/v2/publish/").status_code == 403
    assert list(RuleSetVersion.objects.values_list("version", "published_at")) == [("v2", None)]


def test_it_lists_versions_with_a_fixed_number_of_queries(as_user, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    admin_user = get_user_model().objects.get(username="admin")
    client = as_user("admin")
    client.get("/intake/rules/")  # warm the session
    for version in ("v2", "v3", "v4"):
        services.publish_rule_set(draft(version), by=admin_user)
    client.get("/intake/rules/")  # parse the version in force once (it is cached from then on)
    with django_assert_num_queries(6):  # 5, and the authenticator app the session passed the second step with
        response = client.get("/intake/rules/")
    assert len(response.context["rows"]) == 4


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/intake/rules/", "post"),
        ("/intake/rules/v1/", "post"),
        ("/intake/rules/v1/whatif/", "post"),
        ("/intake/rules/v1/draft/", "put"),
        ("/intake/rules/v1/publish/", "delete"),
    ],
)
def test_the_rule_pages_answer_only_the_methods_they_serve(as_user, url: str, method: str) -> None:  # type: ignore[no-untyped-def]
    assert getattr(as_user("admin"), method)(url).status_code == 405
