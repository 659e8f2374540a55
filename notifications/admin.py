from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import domain
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Administrators see every notice here; filter on e-mail "Failed" for the ones never
    delivered, fix the cause (an address, the mail server) and send them again."""

    list_display = (
        "subject",
        "recipient",
        "kind",
        "created_at",
        "read_at",
        "email_status",
        "email_attempts",
        "last_error",
    )
    list_filter = ("email_status", "kind")
    search_fields = ("subject", "recipient__full_name", "key")
    list_select_related = ("recipient",)
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the failed e-mails again"))
    def send_again(self, request, queryset):
        count = domain.retry_failed(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d e-mail will be sent again.", "%(count)d e-mails will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
