"""Admin pages of the channel register. Everything but the channel's description is read-only
here: it is written only by the domain functions, and the removal log is append-only by law."""

from django.contrib import admin

from kob_social.history_admin import ReadOnlyHistoryAdmin

from .models import (
    Agreement,
    Channel,
    ChecklistTick,
    InventoryConfirmation,
    RemovalEntry,
    RosterWeek,
    Screenshot,
    ScreenshotFile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Channel)
class ChannelAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "platform", "unit", "status", "owner")
    list_filter = ("status", "platform", "unit")
    search_fields = ("name", "url")
    list_select_related = ("unit", "owner")
    readonly_fields = ("status", "revision", "activated_at", "closed_at", "status_changed_at")


@admin.register(RemovalEntry)
class RemovalEntryAdmin(ReadOnlyAdmin):
    """The removal log is append-only: it is read here, never changed or deleted."""

    list_display = ("channel", "removed_on", "category", "police_report", "diarienummer", "created_by")
    list_filter = ("category", "police_report")
    list_select_related = ("channel", "created_by")


for model in (ChecklistTick, Agreement, RosterWeek, InventoryConfirmation, Screenshot, ScreenshotFile):
    admin.site.register(model, ReadOnlyAdmin)
