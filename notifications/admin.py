from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Administrators see every notice here; filter on e-mail "Failed" for the ones never delivered."""

    list_display = ("subject", "recipient", "kind", "created_at", "read_at", "email_status", "email_attempts")
    list_filter = ("email_status", "kind")
    search_fields = ("subject", "recipient__full_name", "key")
    list_select_related = ("recipient",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
