"""Users, the organisational tree, trainings and absences."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kob_social.history import AddressedHistoricalRecord

from .enums import DECIDING_ROLES, UNIT_PARENT_KINDS, AbsenceKind, Course, DeputyCondition, Role, UnitKind


class Unit(models.Model):
    """A node of the organisation: förvaltning → enhet/stab → avdelning, each with its chef."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    chef = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units_led",
    )
    # The place ("Ort") of the signature block of the unit's signed plans; empty: the
    # installation's (settings.PDF_SIGNATURE_PLACE). See `place`.
    signature_place = models.CharField(
        _("place in the signature block (Ort)"),
        max_length=100,
        blank=True,
        help_text=_(
            "Printed with the manager's signature on the unit's plans. Empty: the place set for the "
            "whole installation (PDF_SIGNATURE_PLACE)."
        ),
    )
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # Held per unit through django-guardian by its members and its chef (see
        # accounts.domain.sync_unit_access): reading a unit's plans and channels.
        permissions = [("read_unit", _("Can read the unit's plans and channels"))]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_per_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def place(self) -> str:
        """Where the unit's plans are signed: its own place, or the installation's."""
        return self.signature_place or settings.PDF_SIGNATURE_PLACE

    def clean(self):
        parent_kind = self.parent.kind if self.parent_id else None
        allowed = UNIT_PARENT_KINDS.get(self.kind, frozenset())
        if parent_kind is None and allowed:
            raise ValidationError({"parent": _("A unit of this kind must have a parent unit.")})
        if parent_kind is not None and parent_kind not in allowed:
            raise ValidationError({"parent": _("A unit of this kind cannot sit under that parent.")})
        if self.pk and self.pk in {unit.pk for unit in self.ancestors()}:
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    def ancestors(self) -> list["Unit"]:
        """Parents from the nearest upwards (the tree is at most three levels deep)."""
        chain, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain

    @property
    def is_staben(self) -> bool:
        return self.kind == UnitKind.STAB


class User(AbstractUser):
    """A person at Kultur och bildning. Signs in with a username; e-mail is used for notices."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # Raised whenever the person's access changes (deactivated, roles or unit changed): it is
    # part of the session's authentication hash, so every earlier session ends at its next request.
    session_epoch = models.PositiveIntegerField(_("session generation"), default=0, editable=False)
    # Who the Region's identity provider says this is (settings.OIDC_SUBJECT_CLAIM): set at the
    # first sign-in through it, and how the person is found at every later one (accounts.oidc).
    oidc_subject = models.CharField(
        _("identity at the identity provider"), max_length=255, null=True, blank=True, unique=True, editable=False
    )

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta(AbstractUser.Meta):
        ordering = ["full_name", "username"]
        # The people lists (trainings) read a page by name: in the index's order, without sorting everyone.
        indexes = [models.Index(fields=["full_name", "id"], name="user_by_name")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
        ]

    def __str__(self):
        return self.get_full_name()

    def save(self, **kwargs):
        # The database alone raises session_epoch (accounts.signals.end_sessions): a full save of
        # a copy loaded before it was raised keeps the database's number instead of writing the
        # old one back, which would bring the ended sessions back to life.
        keep_epoch = not self._state.adding and kwargs.get("update_fields") is None
        if keep_epoch:
            self.session_epoch = models.F("session_epoch")
        try:
            super().save(**kwargs)
        finally:
            if isinstance(self.__dict__.get("session_epoch"), Combinable):
                del self.__dict__["session_epoch"]  # deferred: read from the database when next needed

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash (an HMAC of the password, with SECRET_KEY or one of the
        SECRET_KEY_FALLBACKS as `secret`) extended by session_epoch: a session whose stored hash
        no longer matches is flushed by django.contrib.auth.get_user on its next request."""
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The names of the user's role groups, read once per request-sized lifetime."""
        if not self.pk:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return self.is_active and role.value in self.role_names

    @property
    def is_chef(self) -> bool:
        return self.has_role(Role.CHEF)

    @property
    def is_kommunikationsansvarig(self) -> bool:
        return self.has_role(Role.KOMMUNIKATIONSANSVARIG)

    @property
    def is_kulturdirektor(self) -> bool:
        return self.has_role(Role.KULTURDIREKTOR)

    @property
    def is_systemadministrator(self) -> bool:
        return self.has_role(Role.SYSTEMADMINISTRATOR)


class TrainingRecord(models.Model):
    """A completed course. Only people with valid LEGAL_BASICS training may run a channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_records",
    )
    course = models.CharField(_("course"), max_length=40, choices=Course.choices, default=Course.LEGAL_BASICS)
    completed_on = models.DateField(_("completed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: does not expire."))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        indexes = [models.Index(fields=["user", "course", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("completed_on")),
                name="training_valid_after_completion",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_course_display()} ({self.completed_on})"

    def is_valid_on(self, day) -> bool:
        return self.completed_on <= day and (self.valid_until is None or self.valid_until >= day)


class Absence(models.Model):
    """A period (both days inclusive) when a person is away; the supervision roster counts these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices, default=AbsenceKind.SEMESTER)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [
            models.Index(fields=["user", "starts_on", "ends_on"]),
            # The absences page: a person's current and coming absences, not all their past ones.
            models.Index(fields=["user", "ends_on"], name="absence_user_ends_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class Deputy(models.Model):
    """An arrangement: `deputy` (B) acts for `person` (A) in a deciding role (ersättare,
    tillförordnad) from `starts_on` to `ends_on` (empty: until further notice), throughout the
    period, only on the days A is registered absent, or only where A may not decide (A wrote the
    document, or decided another step of it). For the chef role it covers one unit (and the
    units below it that have no chef of their own); the other roles cover the whole
    administration. A standing deputy kulturdirektör is such an arrangement without an end, for
    the kulturdirektör's own documents. Who may decide with it: plans.rules."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts for"),
        on_delete=models.CASCADE,
        related_name="deputy_arrangements",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="deputyships"
    )
    role = models.CharField(_("role"), max_length=40, choices=[(role.value, role.label) for role in DECIDING_ROLES])
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Only for the manager role: the unit the deputy decides for."),
    )
    condition = models.CharField(
        _("acts"), max_length=20, choices=DeputyCondition.choices, default=DeputyCondition.ALWAYS
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty: until further notice."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("deputy arrangement")
        verbose_name_plural = _("deputy arrangements")
        indexes = [
            models.Index(fields=["deputy", "starts_on"]),
            models.Index(fields=["person", "role"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(person=models.F("deputy")), name="deputy_not_self"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="deputy_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.CHEF, unit__isnull=False)
                | (~models.Q(role=Role.CHEF) & models.Q(unit__isnull=True)),
                name="deputy_unit_only_for_chef",
            ),
        ]

    def __str__(self):
        return _("%(deputy)s for %(person)s") % {"deputy": self.deputy, "person": self.person}

    def clean(self):
        errors = {}
        if self.person_id and self.person_id == self.deputy_id:
            errors["deputy"] = _("A person cannot be their own deputy.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day cannot be before the first day.")
        if self.role == Role.CHEF and not self.unit_id:
            errors["unit"] = _("Choose the unit the deputy decides for.")
        elif self.role and self.role != Role.CHEF and self.unit_id:
            errors["unit"] = _("Only a manager's deputy is for a unit; leave it empty.")
        if errors:
            raise ValidationError(errors)

    def in_force_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PasswordResetRequest(models.Model):
    """One request for a password-reset mail, the memory of the reset limit
    (accounts.domain.password_reset, its only writer). Shared by every web process, unlike the
    per-process cache. Holds no e-mail address: only the account a mail went to, if one did.
    Rows older than a day are pruned by the same write path."""

    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    mailed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mailed to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.client_address or '-'}"


class CalendarFeed(models.Model):
    """A person's secret calendar address (the duties feed, overview.calendar): only the SHA-256 of
    its token is kept, so the address is shown once, when made; a new one replaces the old, and
    revoking deletes the row (accounts.domain.calendar, the only writer)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self):
        return f"{self.user}: {self.created_at:%Y-%m-%d}"


class GroupMapping(models.Model):
    """What a group of the Region's directory (the identity provider's groups claim) gives a
    person at every sign-in through the provider: a role, a unit, or both (accounts.oidc). Kept by
    the administrator in the admin; its history is the audit trail of who changed what."""

    group = models.CharField(_("group at the identity provider"), max_length=255, unique=True)
    role = models.CharField(_("role"), max_length=40, choices=Role.choices, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT)
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["group"]
        verbose_name = _("group mapping")
        verbose_name_plural = _("group mappings")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="") | models.Q(unit__isnull=False), name="group_mapping_gives_something"
            ),
        ]

    def __str__(self):
        return self.group


class RecordsFormat(models.Model):
    """How references to the Region's records are written (accounts.records), kept by the
    administrator in the admin: the number of a case in the Region's case system (diarienummer: a
    removal's, a screenshot's, a closure's, a plan's registration) and the entry of the
    dokumenthanteringsplan / gallringsbeslut that governs a plan's and a channel's records. Each is
    a regular expression the whole value must match, with an example shown when it does not; left
    empty, the installation's own (settings CASE_NUMBER_PATTERN, RECORDS_REFERENCE_PATTERN).

    One row (pk ONLY); its history is the audit trail of who changed the formats. Values already
    stored are not checked again."""

    ONLY = 1

    case_number_pattern = models.CharField(
        _("pattern of a registration number"),
        max_length=200,
        blank=True,
        help_text=_(
            "A regular expression the whole registration number must match, e.g. "
            "[A-ZÅÄÖ]{1,8} ?\\d{4}[-/]\\d{1,6}. Empty: the installation's pattern."
        ),
    )
    case_number_example = models.CharField(
        _("example of a registration number"),
        max_length=40,
        blank=True,
        help_text=_("Shown to the person when a number does not match, e.g. KUN2026-00123."),
    )
    records_reference_pattern = models.CharField(
        _("pattern of a records management reference"),
        max_length=200,
        blank=True,
        help_text=_(
            "A regular expression the whole reference must match, e.g. DHP \\d+(\\.\\d+)*. Empty: the "
            "installation's pattern."
        ),
    )
    records_reference_example = models.CharField(
        _("example of a records management reference"),
        max_length=200,
        blank=True,
        help_text=_("Shown to the person when a reference does not match, e.g. DHP 4.2.1."),
    )
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        verbose_name = _("format of records references")
        verbose_name_plural = _("formats of records references")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="records_format_one_row")]

    def __str__(self):
        return str(_("Formats of registration numbers and records management references"))

    def save(self, *args, **kwargs):
        self.pk = self.ONLY
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        for kind in ("case_number", "records_reference"):
            pattern = getattr(self, f"{kind}_pattern").strip()
            example = getattr(self, f"{kind}_example").strip()
            if not pattern:
                if example:
                    errors[f"{kind}_pattern"] = _("Give the pattern the example follows, or leave both empty.")
                continue
            try:
                compiled = re.compile(pattern)
            except re.error as error:
                errors[f"{kind}_pattern"] = _("This is not a regular expression: %(error)s.") % {"error": error}
                continue
            if not example:
                errors[f"{kind}_example"] = _("Give an example that follows the pattern.")
            elif compiled.fullmatch(example) is None:
                errors[f"{kind}_example"] = _("The example does not follow the pattern.")
        if errors:
            raise ValidationError(errors)
