"""The channel as a governed object: ownership, go-live, supervision roster, inventory,
screenshots and the removal log.

The tables keep the names they had when these models lived in the `plans` app (`plans_channel`,
`plans_historicalchannel` …): the move to this app changed no table (see migrations/0001).
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.records import (
    CASE_NUMBER_MAX_LENGTH,
    RECORDS_REFERENCE_MAX_LENGTH,
    valid_case_number,
    valid_records_reference,
)

from ..addresses import address_key
from ..enums import ChannelStatus, ChecklistItem, Platform, RemovalCategory
from .history import KeptTableHistory

PERSON = settings.AUTH_USER_MODEL

# --- What a person may write, once for the app (the forms reuse these) ----------------------------
# An agreement's tasks, an inventory note, a removal's description: a paragraph or a few. The
# model validates the limit (full_clean); the form shows it at the field and as `maxlength`.
TEXT_MAX_LENGTH = 2000
# The working time a unit sets aside for a channel: a full-time week at most (also the plan's).
MAX_HOURS_PER_WEEK = Decimal(40)


def valid_hours_per_week(value) -> None:
    if value is not None and not 0 <= value <= MAX_HOURS_PER_WEEK:
        raise ValidationError(
            _("Working time must be from 0 to %(max)s hours per week."),
            code="hours_per_week",
            params={"max": MAX_HOURS_PER_WEEK},
        )


# --- The half-yearly inventory: when the next confirmation is due, the one rule ------------------
INVENTORY_INTERVAL_MONTHS = 6
# Only a channel in use is inventoried.
INVENTORIED_STATUSES = frozenset({ChannelStatus.AKTIV, ChannelStatus.PAUSAD})


def inventory_due_on(status: str, since: datetime.datetime | None) -> datetime.date | None:
    """When the next half-yearly inventory confirmation of a channel in `status` is due: six
    months after the local day (Europe/Stockholm, whatever the request's time zone) of `since`,
    the latest confirmation or, without one, the activation. None for a channel not in use or
    never activated. Stored as `Channel.inventory_due`, which `Channel.save` and
    `InventoryConfirmation.save` keep up to date (see there)."""
    if status not in INVENTORIED_STATUSES or since is None:
        return None
    return timezone.localdate(since, timezone.get_default_timezone()) + relativedelta(months=INVENTORY_INTERVAL_MONTHS)


class Channel(models.Model):
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=500, blank=True)
    feed_url = models.URLField(_("feed address (RSS/Atom)"), max_length=500, blank=True)
    # The entry of the dokumenthanteringsplan that governs the channel's records (arkivlagen): set
    # from the approved plan (domain.channels.describe_channel), kept in the history.
    records_reference = models.CharField(
        _("Reference to the records management plan"),
        max_length=RECORDS_REFERENCE_MAX_LENGTH,
        blank=True,
        validators=[valid_records_reference],
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="channels")
    status = models.CharField(_("status"), max_length=20, choices=ChannelStatus.choices, default=ChannelStatus.PLANERAD)
    revision = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(
        PERSON, verbose_name=_("owner (responsible)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screenshot_responsible = models.ForeignKey(
        PERSON,
        verbose_name=_("screenshot responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    others = models.ManyToManyField(
        PERSON, verbose_name=_("other people"), blank=True, related_name="+", db_table="plans_channel_others"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    # When the next inventory confirmation is due (inventory_due_on), stored so that the list of
    # overdue inventories and the daily reminder read it by an index instead of computing it for
    # every channel. Derived, never edited and kept out of the history: it follows the status,
    # the activation and the confirmations (save below, InventoryConfirmation.save).
    inventory_due = models.DateField(_("inventory due"), null=True, blank=True, editable=False)
    # The key of the address that the citizen's lookup compares (addresses.address_key), stored
    # so that a lookup is one indexed query. Derived from `url` on every save that writes it,
    # never edited and kept out of the history.
    canonical_address = models.CharField(max_length=600, blank=True, editable=False, db_index=True)
    history = KeptTableHistory(m2m_fields=[others], excluded_fields=["inventory_due", "canonical_address"])

    # What the stored due day depends on, besides the confirmations.
    INVENTORY_DUE_INPUTS = frozenset({"status", "activated_at"})

    class Meta:
        db_table = "plans_channel"
        ordering = ["name", "pk"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        indexes = [
            models.Index(fields=["status", "unit"]),
            # The overdue inventories, oldest first (queries.channels_with_inventory_due).
            models.Index(fields=["inventory_due", "name"], name="channel_inventory_due"),
            # The channel list's order (name, pk), unfiltered, by status, and by unit.
            models.Index(fields=["name"], name="channel_name"),
            models.Index(fields=["status", "name"], name="channel_status_name"),
            models.Index(fields=["unit", "name"], name="channel_unit_name"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.name}"

    def save(self, *args, update_fields=None, **kwargs):
        """Every save that writes the status or the activation (the status transitions, an
        activation moved back by hand, a new channel) stores the due day anew, in the same
        UPDATE. One query more, for the latest confirmation, when the channel is in use. Every
        save that writes the address stores its key (no query)."""
        if update_fields is None or self.INVENTORY_DUE_INPUTS & set(update_fields):
            self.inventory_due = self.next_inventory_due()
            if update_fields is not None:
                update_fields = {*update_fields, "inventory_due"}
        if update_fields is None or "url" in update_fields:
            self.canonical_address = address_key(self.url)
            if update_fields is not None:
                update_fields = {*update_fields, "canonical_address"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return reverse("channel_register:detail", args=[self.pk])

    def next_inventory_due(self) -> datetime.date | None:
        """inventory_due_on for the channel as it is now: one query (its latest confirmation)
        when it is in use and saved, none otherwise."""
        since = self.activated_at
        if self.status in INVENTORIED_STATUSES and self.pk is not None:
            last = self.inventories.order_by("-confirmed_at").values_list("confirmed_at", flat=True).first()
            since = last or since
        return inventory_due_on(self.status, since)


class ChecklistTick(models.Model):
    """One ticked item of the go-live checklist: who ticked it, and when."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="checklist")
    item = models.CharField(_("item"), max_length=20, choices=ChecklistItem.choices)
    ticked_by = models.ForeignKey(PERSON, verbose_name=_("ticked by"), on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField(_("ticked at"))
    history = KeptTableHistory()

    class Meta:
        db_table = "plans_checklisttick"
        ordering = ["item"]
        constraints = [models.UniqueConstraint(fields=["channel", "item"], name="checklist_item_once")]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return f"{self.channel}: {self.get_item_display()}"


class Agreement(models.Model):
    """Överenskommelse between the chef and the owner: tasks and hours, confirmed by both."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="agreements")
    owner = models.ForeignKey(PERSON, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    chef = models.ForeignKey(PERSON, verbose_name=_("manager"), on_delete=models.PROTECT, related_name="+")
    tasks = models.TextField(_("tasks"), max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, validators=[valid_hours_per_week]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    chef_confirmed_at = models.DateTimeField(_("confirmed by the manager"), null=True, blank=True)
    owner_confirmed_at = models.DateTimeField(_("confirmed by the owner"), null=True, blank=True)
    history = KeptTableHistory()

    class Meta:
        db_table = "plans_agreement"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return f"{self.channel}: {self.owner}"

    @property
    def is_confirmed(self) -> bool:
        return bool(self.chef_confirmed_at and self.owner_confirmed_at)


class RosterWeek(models.Model):
    """Who supervises the channel in one ISO week: a primary and a backup monitor."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="roster")
    iso_year = models.PositiveSmallIntegerField(_("year"))
    iso_week = models.PositiveSmallIntegerField(_("week"))
    primary = models.ForeignKey(PERSON, verbose_name=_("monitor"), on_delete=models.PROTECT, related_name="+")
    backup = models.ForeignKey(
        PERSON, verbose_name=_("backup"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = KeptTableHistory()

    class Meta:
        db_table = "plans_rosterweek"
        ordering = ["iso_year", "iso_week"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "iso_year", "iso_week"], name="roster_one_row_per_week"),
            models.CheckConstraint(condition=models.Q(iso_week__gte=1, iso_week__lte=53), name="roster_valid_week"),
        ]
        verbose_name = _("roster week")
        verbose_name_plural = _("roster weeks")

    def __str__(self):
        return f"{self.channel} v{self.iso_week} {self.iso_year}"

    @property
    def monday(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.iso_year, self.iso_week, 1)


class InventoryConfirmation(models.Model):
    """The owner's half-yearly confirmation that the channel is still current."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="inventories")
    confirmed_by = models.ForeignKey(PERSON, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"))
    still_used = models.BooleanField(_("the channel is still used"))
    owners_correct = models.BooleanField(_("owners and roster are right"))
    # What the channel states (enums.INFORMATION_ITEMS), each confirmed again: one not true
    # refuses the confirmation (domain.channels.confirm_inventory). Rows from before the five
    # were asked one by one carry the single answer they gave, copied into all five (0007).
    states_who_runs_it = models.BooleanField(ChecklistItem.STATES_WHO_RUNS_IT.label)
    states_purpose = models.BooleanField(ChecklistItem.STATES_PURPOSE.label)
    states_public_records = models.BooleanField(ChecklistItem.STATES_PUBLIC_RECORDS.label)
    states_what_is_removed = models.BooleanField(ChecklistItem.STATES_WHAT_IS_REMOVED.label)
    states_contact = models.BooleanField(ChecklistItem.STATES_CONTACT.label)
    note = models.TextField(
        _("note"), blank=True, max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )

    class Meta:
        db_table = "plans_inventoryconfirmation"
        ordering = ["-confirmed_at", "-pk"]
        indexes = [models.Index(fields=["channel", "confirmed_at"])]
        verbose_name = _("inventory confirmation")
        verbose_name_plural = _("inventory confirmations")

    def __str__(self):
        return f"{self.channel}: {self.confirmed_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        """A confirmation moves the channel's stored due day (Channel.inventory_due): written
        with a plain UPDATE, which neither adds a history row nor counts as a change of the
        channel (its revision stays)."""
        super().save(*args, **kwargs)
        channel = self.channel
        channel.inventory_due = channel.next_inventory_due()
        Channel.objects.filter(pk=channel.pk).update(inventory_due=channel.inventory_due)


class StoredFileMixin(models.Model):
    """A file accepted by channel_register.uploads.check_upload: generated name, type, size, SHA-256."""

    file = models.FileField(_("file"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        abstract = True


class Screenshot(models.Model):
    """A screenshot record for the archive: one or more files, when, by whom, of what."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="screenshots")
    taken_on = models.DateField(_("date taken"))
    taken_by = models.ForeignKey(PERSON, verbose_name=_("taken by"), on_delete=models.PROTECT, related_name="+")
    url = models.URLField(_("address"), max_length=500)
    # Checked against the case system's pattern when written (accounts.records); rows stored
    # before the check are not revalidated.
    diarienummer = models.CharField(
        _("registration number"), max_length=CASE_NUMBER_MAX_LENGTH, blank=True, validators=[valid_case_number]
    )
    is_final = models.BooleanField(_("final screenshot before closing"), default=False)
    # Accessibility on the channel (DOS-lagen): whether the alt texts of images and the captions
    # of videos were checked in the period. Asked of every record since issue 19 (the form and
    # domain.channels.record_screenshot require an answer); None: a record from before, not asked.
    alt_texts_checked = models.BooleanField(_("Alt texts on images were checked during the period"), null=True)
    captions_checked = models.BooleanField(_("Captions on videos were checked during the period"), null=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        db_table = "plans_screenshot"
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["channel", "taken_on"])]
        verbose_name = _("screenshot record")
        verbose_name_plural = _("screenshot records")

    def __str__(self):
        return f"{self.channel}: {self.taken_on}"

    @property
    def accessibility_answers(self) -> tuple[bool | None, bool | None]:
        return self.alt_texts_checked, self.captions_checked


class ScreenshotFile(StoredFileMixin):
    screenshot = models.ForeignKey(Screenshot, on_delete=models.PROTECT, related_name="files")

    class Meta:
        db_table = "plans_screenshotfile"
        verbose_name = _("screenshot file")
        verbose_name_plural = _("screenshot files")

    def __str__(self):
        return self.original_name


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The removal log is append-only.")

    def delete(self):
        raise PermissionDenied("The removal log is append-only.")


class RemovalEntry(StoredFileMixin):
    """A post or comment removed from a channel. Append-only: rows are never changed or
    deleted through the application (save refuses an update, delete refuses, and so do
    the queryset's bulk update and delete)."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="removals")
    removed_on = models.DateField(_("date removed"))
    category = models.CharField(_("category"), max_length=20, choices=RemovalCategory.choices)
    description = models.TextField(
        _("description"), max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    police_report = models.BooleanField(_("reported to the police"), default=False)
    # Checked against the case system's pattern when written (accounts.records); the log is
    # append-only, so entries stored before the check are never revalidated.
    diarienummer = models.CharField(
        _("registration number"), max_length=CASE_NUMBER_MAX_LENGTH, blank=True, validators=[valid_case_number]
    )
    created_by = models.ForeignKey(PERSON, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "plans_removalentry"
        ordering = ["-removed_on", "-pk"]
        verbose_name = _("removal log entry")
        verbose_name_plural = _("removal log")

    def __str__(self):
        return f"{self.channel}: {self.get_category_display()} {self.removed_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The removal log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The removal log is append-only.")
