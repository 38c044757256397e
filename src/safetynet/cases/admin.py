"""Case-management reference data an administrator edits: the follow-up frequencies (DOMAIN §5 defaults)."""

from django.contrib import admin

from safetynet.cases.models import FollowUpRule
from safetynet.core.admin import ReferenceAdmin


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(ReferenceAdmin):
    list_display = ["route", "risk_level", "task", "interval_days", "note"]
    list_editable = ["interval_days"]
    list_filter = ["route", "task"]
