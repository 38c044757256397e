"""The Django admin is for reference data, and for the system administrator's role only.

Its changes go through the services where a rule guards them (a unit's towns, a role's caseload
standard …), and every model it may change is in the change log (django-auditlog), so each change
enters the access log with its fields and who made it. A service's refusal comes back as a message
naming the field, with nothing saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from safetynet.core.access import kind_of
from safetynet.core.errors import DomainError
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

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[forms.ModelForm[Any]]:
        return labelled_cells(super().get_changelist_form(request, **kwargs))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:  # the admin's transaction has rolled back: nothing was saved
            return self._refused(request, error)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as error:
            return self._refused(request, error)

    def _refused(self, request: HttpRequest, error: DomainError) -> HttpResponse:
        for field, message in error.problems:
            label = self._label(field)
            text = _("%(field)s: %(message)s") % {"field": label, "message": message} if label else message
            messages.error(request, _("Nothing was saved. %(problem)s") % {"problem": text})
        return HttpResponseRedirect(request.get_full_path())

    def _label(self, field: str | None) -> str:
        if not field:
            return ""
        try:
            return str(self.model._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:  # a service's input that is not a model field: its own name
            return field


def labelled_cells(form: type[forms.ModelForm[Any]]) -> type[forms.ModelForm[Any]]:
    """The form of a row of a list edited in place (`list_editable`): the list shows each field in a cell
    without a label, so each field is named by its column and its row ("社工的案量標準"), as a screen
    reader needs it (WCAG 1.3.1, 4.1.2)."""

    class LabelledCells(form):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            row = self.instance
            for field in self.fields.values():
                if not field.widget.is_hidden:
                    field.widget.attrs["aria-label"] = _("%(field)s of %(row)s") % {
                        "field": field.label,
                        "row": row,
                    }

    return LabelledCells
