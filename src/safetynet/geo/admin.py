from django.contrib import admin

from safetynet.core.admin import ReferenceAdmin
from safetynet.geo.models import County, Town


class ReadOnlyAdmin(ReferenceAdmin):
    """Reference data from 內政部: shipped with the project and reloaded by migrations, not edited by hand."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(Town)
class TownAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "county", "kind", "population", "population_as_of"]
    list_filter = ["county", "kind"]
    search_fields = ["code", "name"]
