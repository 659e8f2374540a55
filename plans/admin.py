"""Admin pages. Decisions, the removal log and the chain's history are read-only here: they
are written only by the domain functions, and the removal log is append-only by law."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agreement,
    Channel,
    ChecklistTick,
    ClosureRequest,
    Decision,
    DiarieCounter,
    Goal,
    InventoryConfirmation,
    Plan,
    RemovalEntry,
    RosterWeek,
    Screenshot,
    ScreenshotFile,
    SignedPlan,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    """Plans change only through the app's workflow; the admin shows them and their history."""

    list_display = ("__str__", "unit", "status", "diarienummer", "version_number", "author", "updated_at")
    list_filter = ("status", "platform", "unit")
    search_fields = ("channel_name", "diarienummer", "author__full_name")
    list_select_related = ("unit", "author")
    inlines = [GoalInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "plan", "closure", "step", "outcome", "decided_by", "role", "decided_at")
    list_filter = ("step", "outcome", "role")
    list_select_related = ("plan", "closure__channel", "decided_by")


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin):
    list_display = ("name", "platform", "unit", "status", "owner")
    list_filter = ("status", "platform", "unit")
    search_fields = ("name", "url")
    list_select_related = ("unit", "owner")
    readonly_fields = ("status", "revision", "activated_at", "closed_at", "status_changed_at")


@admin.register(ClosureRequest)
class ClosureRequestAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ("__str__", "status", "author", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("channel", "author")


@admin.register(RemovalEntry)
class RemovalEntryAdmin(ReadOnlyAdmin):
    """The removal log is append-only: it is read here, never changed or deleted."""

    list_display = ("channel", "removed_on", "category", "police_report", "diarienummer", "created_by")
    list_filter = ("category", "police_report")
    list_select_related = ("channel", "created_by")


for model in (ChecklistTick, Agreement, RosterWeek, InventoryConfirmation, Screenshot, ScreenshotFile, DiarieCounter):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(SignedPlan)
class SignedPlanAdmin(ReadOnlyAdmin):
    """The frozen records; a PDF that failed to render shows its error here (filter: not rendered)."""

    list_display = ("plan", "frozen_at", "rendered_at", "digitally_signed", "render_attempts", "render_error")
    list_filter = (("rendered_at", admin.EmptyFieldListFilter), "digitally_signed")
    search_fields = ("plan__diarienummer", "snapshot_sha256", "pdf_sha256")
    list_select_related = ("plan",)
    exclude = ("pdf",)
