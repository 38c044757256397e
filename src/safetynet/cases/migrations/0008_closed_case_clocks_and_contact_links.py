"""Existing data, made consistent with the services of this version.

- A case closed or found not to need one (未成案) has no running clock: the services cancel them when the
  case closes, but a case closed before they did (or by hand) kept them, and they stayed on the clocks
  board and in the overdue counts. They are cancelled now, with a reason saying so.
- A contact recorded in the last day (still correctable by its author) is linked to the clocks it met,
  as `record_contact` links them from now on, so that a correction of its time or kind meets them again.
"""

from __future__ import annotations

import datetime

from django.db import migrations
from django.utils import timezone

CLOSED = ("closed", "not_opened")
REASON = "個案已結案或未成案（整理時撤銷）"
FACE_TO_FACE = {"home_visit", "interview", "outreach"}
# Which contact kinds met which clock when this migration was written (domain.visitplan).
CONTACT_MEETS = {
    "cp1_first_visit": FACE_TO_FACE,
    "cp2_first_visit": FACE_TO_FACE,
    "vf_first_visit": FACE_TO_FACE,
    "su_first_contact": FACE_TO_FACE | {"phone"},
    "visit": FACE_TO_FACE,
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Clock = apps.get_model("cases", "Clock")
    Contact = apps.get_model("cases", "Contact")
    now = timezone.now()
    Clock.objects.filter(
        case__status__in=CLOSED, met_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now, cancel_reason=REASON)
    recent = Contact.objects.filter(
        recorded_at__gte=now - datetime.timedelta(hours=25), entered_in_error_at__isnull=True
    )
    for contact in recent.iterator():
        names = [name for name, kinds in CONTACT_MEETS.items() if contact.kind in kinds]
        Clock.objects.filter(
            case_id=contact.case_id,
            name__in=names,
            met_at=contact.occurred_at,
            met_by_id=contact.by_id,
            met_by_contact__isnull=True,
        ).update(met_by_contact=contact)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_contact_revisions_and_clock_contact")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
