"""Forms of the channel pages: the filters of the list, the status and checklist buttons, the
people, the agreement, the supervision roster, the inventory, screenshots, the removal log and
the closure request. The forms only collect and shape input; the rules are the domain's
(channel_register.domain.channels), whose errors the views tie to these fields."""

import datetime

from django import forms
from django.conf import settings
from django.core import validators
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from accounts.queries import unit_and_descendant_ids
from accounts.records import CASE_NUMBER_MAX_LENGTH, formats, valid_case_number
from kob_social.errors import Incomplete

from .domain.channels import MUST_BE_STATED, iso_weeks
from .enums import INFORMATION_ITEMS, ChannelAction, ChannelStatus, ChecklistItem, Platform, RemovalCategory
from .models import Channel, ScreenshotFile
from .models.channel import MAX_HOURS_PER_WEEK, TEXT_MAX_LENGTH, valid_hours_per_week
from .queries import with_legal_training

DATE_WIDGET = {"type": "date"}
# The search box of a list (here and in the plans app): a name, an address or a number.
SEARCH_MAX_LENGTH = 200


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


def unit_people(channel: Channel, *, keep=()) -> QuerySet[User]:
    """The active people of the channel's unit and the units below it, plus `keep` (the people
    who hold a role now, so that a form shows them even if they have moved)."""
    keep_ids = [person_id for person_id in keep if person_id]
    return (
        User.objects.filter(Q(is_active=True, unit_id__in=unit_and_descendant_ids(channel.unit)) | Q(pk__in=keep_ids))
        .select_related("unit")
        .order_by("full_name", "pk")
    )


def max_upload_size() -> str:
    return filesizeformat(settings.UPLOAD_MAX_BYTES)


def show_length_limits(form: forms.BaseForm) -> None:
    """Say each textarea's limit in its help text: the browser's `maxlength` stops typing and
    cuts a pasted text silently, so the writer should know the limit before. (The plans app's
    forms use it too.)"""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea) and getattr(field, "max_length", None):
            limit = gettext("At most %(limit)s characters.") % {
                "limit": number_format(field.max_length, force_grouping=True)
            }
            field.help_text = f"{field.help_text} {limit}" if field.help_text else limit


def not_in_future(day: datetime.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future")


class ChannelFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    platform = forms.ChoiceField(label=_("Platform"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("All units")
        self.fields["status"].choices = [("", _("All statuses")), *ChannelStatus.choices]
        self.fields["platform"].choices = [("", _("All platforms")), *Platform.choices]


class ChannelStatusForm(forms.Form):
    action = forms.ChoiceField(choices=ChannelAction.choices)
    revision = forms.IntegerField(min_value=0)


class ChecklistForm(forms.Form):
    item = forms.ChoiceField(choices=ChecklistItem.choices)
    ticked = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")


class UnavailableOptions:
    """Options for people who cannot be chosen (`reasons`: pk → why) are listed, not left out:
    disabled, with the reason in the label. One chosen already (a role held now) stays
    enabled, so that saving the form does not drop it unseen; the form's check names it."""

    reasons: dict[str, str]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reason = getattr(self, "reasons", {}).get(str(value))
        if reason:
            option["label"] = f"{label} ({reason})"
            if not selected:
                option["attrs"]["disabled"] = True
        return option


class PersonSelect(UnavailableOptions, forms.Select):
    pass


class PeopleSelect(UnavailableOptions, forms.SelectMultiple):
    pass


def training_reason(person: User) -> str:
    """Why `person` (annotated by queries.with_legal_training) cannot be appointed ("" if they can)."""
    if person.trained:
        return ""
    if person.training_ended is None:
        return gettext("no training")
    return gettext("training ended %(date)s") % {"date": date_format(person.training_ended, "j b Y")}


class AppointForm(forms.Form):
    owner = PersonField(
        label=_("Owner (responsible for the use)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Runs the channel and answers for it. Confirms the inventory every six months."),
        widget=PersonSelect,
    )
    screenshot_responsible = PersonField(
        label=_("Screenshot responsible"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Takes screenshots for the archive every half year (January–June, July–December)."),
        widget=PersonSelect,
    )
    others = PeopleField(
        label=_("Other people"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Colleagues who also handle the channel. Hold Ctrl (⌘ on Mac) to choose several."),
        widget=PeopleSelect(attrs={"size": 6}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, channel: Channel, current_others=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = with_legal_training(
            unit_people(
                channel, keep=[channel.owner_id, channel.screenshot_responsible_id, *(p.pk for p in current_others)]
            ),
            timezone.localdate(),
        )
        # Everyone of the unit is listed; those without valid legal training (the strategy
        # requires it of everyone named) cannot be chosen, and each says why.
        self.unavailable = [(person, reason) for person in people if (reason := training_reason(person))]
        reasons = {str(person.pk): reason for person, reason in self.unavailable}
        for name in ("owner", "screenshot_responsible", "others"):
            self.fields[name].queryset = people
            self.fields[name].widget.reasons = reasons
        self.fields["owner"].empty_label = _("Nobody yet")
        self.fields["screenshot_responsible"].empty_label = _("Nobody yet")

    def _untrained_errors(self, chosen) -> list[str]:
        reasons = {person.pk: reason for person, reason in self.unavailable}
        return [
            gettext("%(name)s cannot be appointed: %(reason)s.")
            % {"name": person.get_full_name(), "reason": reasons[person.pk]}
            for person in chosen
            if person is not None and person.pk in reasons
        ]

    def clean_owner(self):
        if errors := self._untrained_errors([self.cleaned_data["owner"]]):
            raise forms.ValidationError(errors)
        return self.cleaned_data["owner"]

    def clean_screenshot_responsible(self):
        if errors := self._untrained_errors([self.cleaned_data["screenshot_responsible"]]):
            raise forms.ValidationError(errors)
        return self.cleaned_data["screenshot_responsible"]

    def clean_others(self):
        if errors := self._untrained_errors(self.cleaned_data["others"]):
            raise forms.ValidationError(errors)
        return self.cleaned_data["others"]


class AgreementForm(forms.Form):
    owner = PersonField(label=_("Owner"), queryset=User.objects.none())
    tasks = forms.CharField(
        label=_("Tasks"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the owner does in the channel: publishing, answering, supervision, screenshots."),
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[valid_hours_per_week],  # the model's rule and message (also the plan's)
        widget=forms.NumberInput(
            attrs={"min": 0, "max": int(MAX_HOURS_PER_WEEK), "step": "0.5", "inputmode": "decimal"}
        ),
        help_text=_("The working time the unit sets aside for the owner's tasks."),
    )

    def __init__(self, *args, channel: Channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = unit_people(channel, keep=[channel.owner_id])
        self.fields["owner"].empty_label = _("Choose a person")
        show_length_limits(self)


class RosterForm(forms.Form):
    """A range of ISO weeks (across new year too) and who supervises them."""

    first_year = forms.IntegerField(label=_("Year of the first week"), min_value=2000, max_value=2100)
    first_week = forms.IntegerField(label=_("First week"), min_value=1, max_value=53)
    last_year = forms.IntegerField(label=_("Year of the last week"), min_value=2000, max_value=2100)
    last_week = forms.IntegerField(label=_("Last week"), min_value=1, max_value=53)
    primary = PersonField(label=_("Monitor"), queryset=User.objects.none())
    backup = PersonField(
        label=_("Backup"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Takes over when the monitor is away. Absences are taken from the absence register."),
    )

    def __init__(self, *args, channel: Channel, **kwargs):
        super().__init__(*args, **kwargs)
        people = unit_people(channel)
        self.fields["primary"].queryset = people
        self.fields["primary"].empty_label = _("Choose a person")
        self.fields["backup"].queryset = people
        self.fields["backup"].empty_label = _("No backup")
        for name in ("first_year", "last_year", "first_week", "last_week"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean(self):
        data = super().clean()
        for prefix in ("first", "last"):
            year, week = data.get(f"{prefix}_year"), data.get(f"{prefix}_week")
            if year is None or week is None:
                continue
            try:
                datetime.date.fromisocalendar(year, week, 1)
            except ValueError:
                self.add_error(
                    f"{prefix}_week", _("Week %(week)d does not exist in %(year)d.") % {"week": week, "year": year}
                )
        if not self.errors:
            try:
                iso_weeks(self.first(), self.last())
            except Incomplete as exc:
                for message in exc.errors.get("weeks", []):
                    self.add_error("last_week", message)
        return data

    def first(self) -> tuple[int, int]:
        return self.cleaned_data["first_year"], self.cleaned_data["first_week"]

    def last(self) -> tuple[int, int]:
        return self.cleaned_data["last_year"], self.cleaned_data["last_week"]


class InventoryForm(forms.Form):
    still_used = forms.BooleanField(label=_("The channel is still used"), required=False)
    owners_correct = forms.BooleanField(label=_("The owner, the other people and the roster are right"), required=False)
    # What the channel must state, one box each (enums.INFORMATION_ITEMS); each must be ticked.
    states_who_runs_it = forms.BooleanField(label=ChecklistItem.STATES_WHO_RUNS_IT.label)
    states_purpose = forms.BooleanField(label=ChecklistItem.STATES_PURPOSE.label)
    states_public_records = forms.BooleanField(label=ChecklistItem.STATES_PUBLIC_RECORDS.label)
    states_what_is_removed = forms.BooleanField(label=ChecklistItem.STATES_WHAT_IS_REMOVED.label)
    states_contact = forms.BooleanField(label=ChecklistItem.STATES_CONTACT.label)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("If something is not right: what, and what will be done about it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in INFORMATION_ITEMS.values():
            self.fields[field].error_messages["required"] = MUST_BE_STATED
        show_length_limits(self)

    def information_fields(self) -> list:
        return [self[field] for field in INFORMATION_ITEMS.values()]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """Collects the uploaded file(s) as they came: they are checked by content, not here but in
    the domain (channel_register.uploads), whose Swedish messages the views show at this field. A missing
    file is the domain's to refuse too, so `required` only marks the field for the reader.

    Checked here is the length of each file's name, against the stored original name's limit:
    a name too long for it is an error at the field, not one cut short without a word."""

    default_error_messages = {
        "max_length": _(
            "The file name is too long: at most %(max)s characters are allowed. Rename the file and choose it again."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", ScreenshotFile._meta.get_field("original_name").max_length)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        several = isinstance(data, list | tuple)
        files = [item for item in data if item] if several else [data] if data else []
        if any(len(item.name or "") > self.max_length for item in files):
            raise forms.ValidationError(
                self.error_messages["max_length"], code="max_length", params={"max": self.max_length}
            )
        return files if several else files[0] if files else None


def case_number_help() -> str:
    return gettext("Optional. As the Region's case system writes it, for example %(example)s.") % {
        "example": formats().case_number_example
    }


class CaseNumberField(forms.CharField):
    """A registration number (diarienummer) of the Region's case system, optional, checked by
    the format in force (accounts.records.valid_case_number) with its example."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Registration number"))
        kwargs.setdefault("max_length", CASE_NUMBER_MAX_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [valid_case_number])
        kwargs.setdefault("help_text", lazy(case_number_help, str)())
        super().__init__(**kwargs)


class YesNoField(forms.TypedChoiceField):
    """A question answered yes or no as radio buttons, neither chosen beforehand: the person
    must answer (a checkbox left unticked would be read as a "no" nobody gave)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [("ja", _("Yes")), ("nej", _("No"))])
        kwargs.setdefault("coerce", lambda value: value == "ja")
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("error_messages", {"required": _("Answer yes or no.")})
        super().__init__(**kwargs)


class ScreenshotForm(forms.Form):
    taken_on = forms.DateField(
        label=_("Date taken"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"), validators=[not_in_future]
    )
    url = forms.URLField(
        label=_("Address of what was captured"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    # The view passes request.FILES.getlist("files") to the domain.
    files = UploadField(
        label=_("Files"),
        widget=MultipleFileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"}),
    )
    diarienummer = CaseNumberField()
    is_final = forms.BooleanField(
        label=_("This is the final screenshot before the channel is closed"),
        required=False,
    )
    # Accessibility (DOS-lagen): a yes or a no must be chosen; nothing is chosen beforehand.
    alt_texts_checked = YesNoField(label=_("Alt texts on images were checked during the period"))
    captions_checked = YesNoField(label=_("Captions on videos were checked during the period"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("PNG, JPEG or PDF, at most %(size)s each. You can choose several files.") % {
            "size": max_upload_size()
        }


class RemovalForm(forms.Form):
    removed_on = forms.DateField(
        label=_("Date removed"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        validators=[not_in_future],
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Choose a category")), *RemovalCategory.choices])
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was removed and why. Do not repeat personal data beyond what is needed."),
    )
    evidence = UploadField(
        label=_("Evidence"),
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"}),
    )
    police_report = forms.BooleanField(label=_("Reported to the police"), required=False)
    diarienummer = CaseNumberField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _(
            "A screenshot or a PDF of the removed post or comment: PNG, JPEG or PDF, at most %(size)s."
        ) % {"size": max_upload_size()}
        show_length_limits(self)


class WebAddressField(forms.URLField):
    """A web address a browser can open: http or https only (the domain checks it again)."""

    default_validators = [validators.URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": _("Enter a web address that starts with https:// or http://.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("widget", forms.URLInput(attrs={"placeholder": "https://"}))
        super().__init__(**kwargs)


class UpdateForm(forms.Form):
    """An update of the channel logged by hand (channel_register.domain.updates.log_update)."""

    published_on = forms.DateField(
        label=_("Date published"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        validators=[not_in_future],
    )
    link = WebAddressField(
        label=_("Link to the post"),
        required=False,
        help_text=_("Optional. The address of the post, if it has one of its own."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, at most 300 characters: what the update was about."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class FeedUrlForm(forms.Form):
    feed_url = WebAddressField(
        label=_("Feed address (RSS/Atom)"),
        required=False,
        help_text=_(
            "The channel's posts are then read from the feed every few hours and counted as updates. "
            "YouTube, blogs, Mastodon and others publish one. Leave empty to stop reading a feed."
        ),
    )
