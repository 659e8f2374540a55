from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kob_social.history_admin import ReadOnlyHistoryAdmin

from .models import Absence, Deputy, GroupMapping, RecordsFormat, TrainingRecord, Unit, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "title", "unit", "is_active")
    list_filter = ("is_active", "is_staff", "groups", "unit")
    search_fields = ("username", "full_name", "email")
    ordering = ("full_name",)
    list_select_related = ("unit",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "title", "unit")}),
        (_("Roles and permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "unit", "password1", "password2"),
            },
        ),
    )


@admin.register(Unit)
class UnitAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "kind", "parent", "chef", "signature_place")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("parent", "chef")
    autocomplete_fields = ("chef",)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "course", "completed_on", "valid_until", "registered_by")
    list_filter = ("course",)
    search_fields = ("user__full_name", "user__username")
    list_select_related = ("user", "registered_by")
    autocomplete_fields = ("user",)
    date_hierarchy = "completed_on"


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "kind", "starts_on", "ends_on")
    list_filter = ("kind",)
    search_fields = ("user__full_name", "user__username")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    date_hierarchy = "starts_on"


@admin.register(Deputy)
class DeputyAdmin(ReadOnlyHistoryAdmin):
    """Deputy arrangements (ersättare): a standing deputy kulturdirektör or kommunikationsansvarig
    is one without an end, acting where the holder may not decide. Chefs record their own on the
    deputies page."""

    list_display = ("deputy", "person", "role", "unit", "condition", "starts_on", "ends_on")
    list_filter = ("role", "condition")
    search_fields = ("deputy__full_name", "person__full_name")
    list_select_related = ("deputy", "person", "unit")
    autocomplete_fields = ("person", "deputy", "unit")
    exclude = ("registered_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.registered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(GroupMapping)
class GroupMappingAdmin(ReadOnlyHistoryAdmin):
    """The table from the directory's groups to roles and units, applied at every sign-in through
    the Region's identity provider (accounts.oidc.apply_groups); its history shows who changed it."""

    list_display = ("group", "role", "unit")
    list_filter = ("role",)
    search_fields = ("group",)
    list_select_related = ("unit",)


@admin.register(RecordsFormat)
class RecordsFormatAdmin(ReadOnlyHistoryAdmin):
    """How registration numbers and records management references are written (accounts.records):
    one row, never deleted; emptied, the installation's formats apply. Its history shows who changed
    them."""

    fieldsets = (
        (
            _("Registration number in the Region's case system"),
            {"fields": ("case_number_pattern", "case_number_example")},
        ),
        (
            _("Reference to the records management plan"),
            {"fields": ("records_reference_pattern", "records_reference_example")},
        ),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RecordsFormat.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
