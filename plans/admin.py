"""Admin pages of the plans. Plans, decisions, closure requests and signed plans are read-only
here: they are written only by the domain functions."""

from django.contrib import admin

from channel_register.admin import ReadOnlyAdmin
from kob_social.history_admin import ReadOnlyHistoryAdmin

from .models import ClosureRequest, Decision, DiarieCounter, Goal, Plan, SignedPlan


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
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


@admin.register(ClosureRequest)
class ClosureRequestAdmin(ReadOnlyHistoryAdmin, ReadOnlyAdmin):
    list_display = ("__str__", "status", "author", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("channel", "author")


admin.site.register(DiarieCounter, ReadOnlyAdmin)


@admin.register(SignedPlan)
class SignedPlanAdmin(ReadOnlyAdmin):
    """The frozen records; a PDF that failed to render shows its error here (filter: not rendered)."""

    list_display = ("plan", "frozen_at", "rendered_at", "digitally_signed", "render_attempts", "render_error")
    list_filter = (("rendered_at", admin.EmptyFieldListFilter), "digitally_signed")
    search_fields = ("plan__diarienummer", "snapshot_sha256", "pdf_sha256")
    list_select_related = ("plan",)
    exclude = ("pdf",)
