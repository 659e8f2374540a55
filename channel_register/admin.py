"""Admin pages of the channel register. Everything but the channel's description is read-only
here: it is written only by the domain functions, and the removal log is append-only by law.

The people of a channel (owner, screenshot responsible, others), the roster's monitors and the
agreements are set only on the channel's pages, through domain.channels (`appoint`,
`assign_roster`, `propose_agreement`, `confirm_agreement`), which check the legal training and
the unit. The admin shows them, with a help text saying where they are set, and never saves them:
a forged POST of a changed owner is ignored, since a read-only field is not in the admin's form."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kob_social.history_admin import ReadOnlyHistoryAdmin

from .domain.channels import MAJOR_FIELDS
from .domain.duties import open_change_duty
from .enums import DutyReason
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

PEOPLE_HELP = _(
    "Appointed on the channel's page (Who does what) by the unit's manager, where their legal training "
    "is checked. It cannot be changed here."
)
ROSTER_HELP = _(
    "Assigned on the channel's supervision roster page, where the monitors' legal training is checked. "
    "It cannot be changed here."
)
AGREEMENT_HELP = _(
    "Made by the unit's manager and confirmed by the owner on the channel's page, where the owner's "
    "legal training is checked. It cannot be changed here."
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The admin names the model and the fields of its form (modelform_factory); these forms only carry
# the help texts, which the admin also shows beside read-only fields (helpers.AdminReadonlyField).


class ChannelAdminForm(forms.ModelForm):
    class Meta:
        help_texts = {"owner": PEOPLE_HELP, "screenshot_responsible": PEOPLE_HELP, "others": PEOPLE_HELP}


@admin.register(Channel)
class ChannelAdmin(ReadOnlyHistoryAdmin):
    form = ChannelAdminForm
    list_display = ("name", "platform", "unit", "status", "owner")
    list_filter = ("status", "platform", "unit")
    search_fields = ("name", "url")
    list_select_related = ("unit", "owner")
    readonly_fields = (
        "owner",
        "screenshot_responsible",
        "others",
        "status",
        "revision",
        "activated_at",
        "closed_at",
        "status_changed_at",
    )

    def save_model(self, request, obj, form, change):
        """A new name, address or platform set here is a major change like one by an approved
        plan: it opens a screenshot duty (duties.open_change_duty), keyed by its history row."""
        super().save_model(request, obj, form, change)
        if change and set(MAJOR_FIELDS) & set(form.changed_data):
            history_id = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
            open_change_duty(obj, reason=DutyReason.CHANNEL_CHANGED, key=f"kanal:{history_id}", on=timezone.localdate())


@admin.register(RemovalEntry)
class RemovalEntryAdmin(ReadOnlyAdmin):
    """The removal log is append-only: it is read here, never changed or deleted."""

    list_display = ("channel", "removed_on", "category", "police_report", "diarienummer", "created_by")
    list_filter = ("category", "police_report")
    list_select_related = ("channel", "created_by")


class RosterWeekAdminForm(forms.ModelForm):
    class Meta:
        help_texts = {"primary": ROSTER_HELP, "backup": ROSTER_HELP}


@admin.register(RosterWeek)
class RosterWeekAdmin(ReadOnlyAdmin):
    """Read here only: the roster is assigned through domain.channels.assign_roster."""

    form = RosterWeekAdminForm
    list_display = ("channel", "iso_year", "iso_week", "primary", "backup")
    list_select_related = ("channel", "primary", "backup")


class AgreementAdminForm(forms.ModelForm):
    class Meta:
        help_texts = {"owner": AGREEMENT_HELP, "chef": AGREEMENT_HELP}


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    """Read here only: agreements are made and confirmed through domain.channels."""

    form = AgreementAdminForm
    list_display = ("channel", "owner", "chef", "hours_per_week", "chef_confirmed_at", "owner_confirmed_at")
    list_select_related = ("channel", "owner", "chef")


for model in (ChecklistTick, InventoryConfirmation, Screenshot, ScreenshotFile):
    admin.site.register(model, ReadOnlyAdmin)
