"""The Django admin is for reference data, and for the system administrator's role only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safetynet.core.access import kind_of
from safetynet.org.models import AccessKind


class ReferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewable and editable by the administrator role (accounts carry no model permissions of their own)."""

    def _administrator(self, request: HttpRequest) -> bool:
        return request.user.is_active and kind_of(request.user) == AccessKind.ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reference rows are changed or deactivated, never deleted
