"""The plan form, in the template's sections, and the goal rows."""

from collections.abc import Callable
from functools import cache

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.forms import formset_factory
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.forms import PeopleChoiceField, PersonChoiceField
from accounts.models import Unit, User
from accounts.queries import readable_units, unit_and_descendant_ids
from channel_register.enums import Platform
from channel_register.forms import SEARCH_MAX_LENGTH, show_length_limits
from channel_register.models.channel import MAX_HOURS_PER_WEEK
from channel_register.queries import comparable_name, comparable_url, near_duplicate_channels

from .domain.drafts import CONTENT_FIELDS, GOAL_FIELDS, TOO_MANY_GOALS, linkable_channels, owns_planned_channel
from .enums import (
    COMMENT_MAX_LENGTH,
    EARLIEST_DATE,
    MAX_GOALS,
    MAX_UPDATE_COUNT,
    MIN_UPDATE_COUNT,
    Action,
    PlanStatus,
)
from .models import ClosureRequest, Goal, Plan
from .models.plan import latest_deadline
from .queries import plan_people

# The form's sections, in the order of the strategy's template; the template renders these.
SECTIONS = [
    (_("Unit and decision"), ["unit"]),
    (
        _("Social medium"),
        ["channel_choice", "channel", "platform", "channel_name", "channel_url", "confirm_new_channel"],
    ),
    (_("Purpose"), ["purpose", "target_groups"]),
    (_("Goals"), []),
    (_("Activities"), ["activities", "tools"]),
    (_("People"), ["responsible", "other_people"]),
    (_("Supervision"), ["supervision"]),
    (_("Update frequency and working time"), ["update_count", "update_period", "working_hours_per_week"]),
    (_("Archiving"), ["screenshot_responsible"]),
    (
        _("Law and records"),
        ["terms_reviewed_on", "terms_reviewed_by", "case_routine", "records_reference", "registration_number"],
    ),
    (
        _("Personal data"),
        [
            "statistics_use",
            "privacy_notice_url",
            "processing_register_entry",
            "data_requests_by",
            "personal_data_note",
        ],
    ),
    (_("Accessibility"), ["accessibility_routine", "alt_texts", "captions", "readable_hashtags"]),
    (_("Information on the channel"), ["channel_information"]),
]
# Answered by choosing one of a few options (the model's choices), shown as radio buttons.
RADIO_FIELDS = ("statistics_use", "alt_texts", "captions", "readable_hashtags")

HELP_TEXTS = {
    "platform": _(
        "Blogs, X and Facebook should be updated at least once a week; a YouTube account needs less. "
        "Using a channel is a long-term commitment."
    ),
    "purpose": _("Why this medium, and why this one in particular? How does it support the unit's goals?"),
    "target_groups": _("Who do you want to reach, and are they on this medium?"),
    "activities": _("What will you publish and do in the channel to reach the goals?"),
    "tools": _(
        "What you publish and measure with, for example Meta Business Suite for posts and statistics, "
        "Canva for images. Step 3 of the SMILEY cycle: choose tools that fit the goals."
    ),
    "responsible": _("Only people in the plan's unit with valid training in social media law can be chosen."),
    "other_people": _(
        "Colleagues in the unit with valid training in social media law who also handle the channel. "
        "Hold Ctrl (⌘ on Mac) to choose several."
    ),
    "supervision": _(
        "How is the channel kept under supervision, also during vacations and long leave? "
        "Name a stand-in for every period."
    ),
    "update_count": _("How many updates per period. The system checks this every week."),
    "working_hours_per_week": _("The working time the unit sets aside for the channel, in hours per week."),
    "screenshot_responsible": _("Takes screenshots for the archive every half year (January–June, July–December)."),
    "terms_reviewed_on": _("When the platform's terms of use were read and judged acceptable."),
    "terms_reviewed_by": _("Someone in the plan's unit with valid training in social media law."),
    "case_routine": _("What happens when a question about an individual case arrives in the channel?"),
    "records_reference": _(
        "Which entry of the records management plan (dokumenthanteringsplan) or which gallringsbeslut "
        "governs the channel's records, as the archive law requires. Ask the registry if you do not know."
    ),
    "registration_number": _("If the plan is registered in the Region's case system: its number. Not required."),
    "statistics_use": _(
        "The unit is joint controller with the platform for the personal data of the page, and also for "
        "the statistics the platform makes of its visitors when the unit uses them."
    ),
    "privacy_notice_url": _("Where the channel tells visitors how their personal data is handled."),
    "processing_register_entry": _(
        "The entry for the channel in the Region's register of processing activities (article 30 GDPR)."
    ),
    "data_requests_by": _(
        "Who answers when someone asks for their personal data or wants it corrected or erased, "
        "for example the Region's data protection function."
    ),
    "personal_data_note": _("Anything else about personal data in the channel. Not required."),
    "accessibility_routine": _(
        "How the channel is kept accessible as far as the platform allows: alt texts on every image, "
        "captions on every video, hashtags written so that they can be read aloud."
    ),
    "readable_hashtags": _("Each word with a capital letter, so that screen readers read the words."),
    "channel_information": _(
        "The channel must say who runs it, its purpose, that posts become public records (allmänna "
        "handlingar), what is removed, and where to reach the administration for errands."
    ),
}


PERSON_FIELDS = ("responsible", "screenshot_responsible", "terms_reviewed_by")


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices of a field from a list read once per form (`field.listed`): Django's own
    iterator reads the queryset again at every rendering, once more for a required select's
    `required` attribute, and once per field even where several fields offer the same people.
    Validation still asks the field's queryset, so what is accepted is what is offered."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.listed())


def offer_listed(field: forms.ModelChoiceField, queryset: QuerySet, listed: Callable[[], list]) -> None:
    """Give `field` the choices `queryset` read once through `listed` (shared between fields)."""
    field.iterator = ListedChoiceIterator
    field.listed = listed
    field.queryset = queryset  # also hands the widget the choices, through the iterator above


def _widget_attrs(attrs: dict) -> SafeString:
    """What Django's widgets/attrs.html writes: ` name="value"`, ` name` for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class OptionsWrittenHere:
    """A select whose options are written here, character for character as Django's select.html,
    select_option.html and attrs.html write them: the template renderer renders the two option
    templates once per option, which was most of the plan form's time (four person selects of a
    unit's trained people, a metric select per goal)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = []
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            html.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _widget_attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                html.append("\n  </optgroup>")
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _widget_attrs(widget["attrs"]),
            mark_safe("".join(html)),  # noqa: S308 -- every part is built by format_html
        )


class Select(OptionsWrittenHere, forms.Select):
    pass


class SelectMultiple(OptionsWrittenHere, forms.SelectMultiple):
    pass


EXISTING_CHANNEL, NEW_CHANNEL = "befintlig", "ny"
TYPED_CHANNEL_FIELDS = ("platform", "channel_name", "channel_url")


class PlanForm(forms.ModelForm):
    """Saving a draft needs nothing but the unit; submitting checks everything (domain.validation).

    A first version is written either for an existing channel of the unit (linkable_channels,
    the default when there is one) or for a new channel typed in; a new channel that looks like
    one already in the register (near_duplicate_channels) is a warning at the field, saved
    anyway once "It is a new channel" is ticked. A later version keeps its channel."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    channel_choice = forms.ChoiceField(
        label=_("Which channel is the plan for?"),
        choices=[(EXISTING_CHANNEL, _("An existing channel of the unit")), (NEW_CHANNEL, _("A new channel"))],
        widget=forms.RadioSelect,
        required=False,
    )
    confirm_new_channel = forms.BooleanField(
        label=_("It is a new channel"),
        required=False,
        help_text=_("Tick this if the plan really is for a new channel, not one of those already in the register."),
    )

    class Meta:
        model = Plan
        fields = [*CONTENT_FIELDS, "channel", "other_people"]
        formfield_callback = _formfield
        field_classes = {
            "responsible": PersonChoiceField,
            "screenshot_responsible": PersonChoiceField,
            "terms_reviewed_by": PersonChoiceField,
            "other_people": PeopleChoiceField,
        }
        widgets = {
            **dict.fromkeys(("unit", "channel", "platform", "update_period", *PERSON_FIELDS), Select),
            "other_people": SelectMultiple,
            "terms_reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "channel_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "activities": forms.Textarea(attrs={"rows": 4}),
            "tools": forms.Textarea(attrs={"rows": 2}),
            "supervision": forms.Textarea(attrs={"rows": 4}),
            "target_groups": forms.Textarea(attrs={"rows": 3}),
            "case_routine": forms.Textarea(attrs={"rows": 3}),
            "personal_data_note": forms.Textarea(attrs={"rows": 2}),
            "privacy_notice_url": forms.URLInput(attrs={"placeholder": "https://"}),
            **dict.fromkeys(RADIO_FIELDS, forms.RadioSelect),
            "accessibility_routine": forms.Textarea(attrs={"rows": 3}),
            "channel_information": forms.Textarea(attrs={"rows": 3}),
            "update_count": forms.NumberInput(attrs={"max": MAX_UPDATE_COUNT}),
            "working_hours_per_week": forms.NumberInput(
                attrs={"min": 0, "max": int(MAX_HOURS_PER_WEEK), "step": "0.5"}
            ),
        }
        help_texts = HELP_TEXTS

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = readable_units(user).order_by("name")
        self.units = list(units)
        offer_listed(self.fields["unit"], units, lambda: self.units)
        self.fields["unit"].empty_label = None
        self.fields["platform"].choices = [("", _("Choose a platform")), *Platform.choices]
        for name in RADIO_FIELDS:  # no "---------" button: not answering is leaving them all unchosen
            self.fields[name].choices = Plan._meta.get_field(name).choices
        unit = self._chosen_unit()
        self.unit_ids = unit_and_descendant_ids(unit) if unit is not None else set()
        people = plan_people(self.unit_ids, timezone.localdate(), keep=self._named_now())
        listed = cache(lambda: list(people))  # one query for the four fields, only if rendered
        for name in (*PERSON_FIELDS, "other_people"):
            offer_listed(self.fields[name], people, listed)
        self.fields["working_hours_per_week"].widget.attrs["inputmode"] = "decimal"
        # The positive integer field writes min="0" over the widget's own (models.plan.valid_update_count).
        self.fields["update_count"].widget.attrs["min"] = MIN_UPDATE_COUNT
        # The browser's date picker offers what the model accepts (models.plan.valid_review_date).
        self.fields["terms_reviewed_on"].widget.attrs.update(
            {"min": EARLIEST_DATE.isoformat(), "max": timezone.localdate().isoformat()}
        )
        show_length_limits(self)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        self.duplicates = []
        self._offer_channels(unit)

    def _offer_channels(self, unit: Unit | None) -> None:
        """The channel choice of a first version: the unit's linkable channels, or a new one."""
        field = self.fields["channel"]
        plan = self.instance if self.instance.pk else None
        # A later version shares its channel with the versions before it: never its own planned one.
        self.own_channel = plan is not None and plan.version_number == 1 and owns_planned_channel(plan)
        channels = linkable_channels(unit, plan=plan) if unit is not None else field.queryset.none()
        if self.own_channel:
            channels = channels.exclude(pk=plan.channel_id)
        # Read once: whether there are any decides what is shown, and they are the choices.
        listed = list(channels) if plan is None or plan.version_number == 1 else []
        self.offers_channels = bool(listed)
        # A saved draft written for a new channel: its own planned channel once submitted, none before.
        for_new = plan is not None and (self.own_channel or plan.channel_id is None)
        if not self.offers_channels:
            # A later version keeps its channel; without a channel to choose, it is a new one.
            field.disabled = True
            self.initial["channel"] = None if plan is None or for_new else plan.channel_id
            del self.fields["channel_choice"]
            return
        offer_listed(field, channels, lambda: listed)
        field.label = _("Existing channel")
        field.empty_label = _("Choose a channel")
        field.required = False
        field.help_text = _("Channels that already have a plan change through a new version of that plan.")
        self.fields["channel_choice"].initial = NEW_CHANNEL if for_new else EXISTING_CHANNEL
        if plan is None or for_new:
            self.initial["channel"] = None

    def clean(self):
        cleaned = super().clean()
        if "channel_choice" not in self.fields:
            if cleaned.get("channel") is None:
                self._warn_of_duplicates(cleaned)
            return cleaned
        chosen = cleaned.get("channel")
        choice = cleaned.get("channel_choice") or (EXISTING_CHANNEL if chosen else NEW_CHANNEL)
        if choice == NEW_CHANNEL:
            cleaned["channel"] = None
            self._warn_of_duplicates(cleaned)
        elif chosen is None:
            self.add_error("channel", _("Choose the channel, or choose “A new channel”."))
        elif self._typed_for_another(cleaned, chosen):
            self.add_error(
                "channel_choice",
                _(
                    "You chose an existing channel but typed another platform, name or address. "
                    "Choose “A new channel”, or empty those fields."
                ),
            )
        return cleaned

    def _typed_for_another(self, cleaned, channel) -> bool:
        """Whether a typed platform, name or address differs both from the chosen channel and
        from what the plan stored: a new channel typed in while "existing" was left chosen."""
        compare = {"platform": str, "channel_name": comparable_name, "channel_url": comparable_url}
        actual = {"platform": channel.platform, "channel_name": channel.name, "channel_url": channel.url}
        for name, normal in compare.items():
            typed = cleaned.get(name) or ""
            stored = (getattr(self.instance, name) or "") if self.instance.pk else ""
            if typed and normal(typed) not in (normal(actual[name]), normal(stored)):
                return True
        return False

    def _warn_of_duplicates(self, cleaned) -> None:
        """A new channel like one in the register: said at the field unless confirmed. On an
        edit only when the typed channel changed (or the plan was for another channel before)."""
        if cleaned.get("confirm_new_channel"):
            return
        typed = {name: cleaned.get(name) or "" for name in TYPED_CHANNEL_FIELDS}
        unchanged = all(typed[name] == (getattr(self.instance, name) or "") for name in TYPED_CHANNEL_FIELDS)
        if self.instance.pk and (self.own_channel or self.instance.channel_id is None) and unchanged:
            return
        exclude = [self.instance.channel_id] if self.instance.pk and self.instance.channel_id else []
        self.duplicates = near_duplicate_channels(
            platform=typed["platform"], name=typed["channel_name"], url=typed["channel_url"], exclude_ids=exclude
        )
        if self.duplicates:
            names = "; ".join(
                f"{channel} ({channel.unit}, {channel.get_status_display()})" for channel in self.duplicates
            )
            self.add_error(
                "channel_name" if typed["channel_name"] else "channel_url",
                _(
                    "The register already has a channel like this: %(channels)s. If the plan is for it, "
                    "choose it (or revise its plan); if it really is a new channel, tick “It is a new "
                    "channel” and save again."
                )
                % {"channels": names},
            )

    def _chosen_unit(self) -> Unit | None:
        raw = self.data.get(self.add_prefix("unit")) if self.is_bound else None
        if raw:
            return next((unit for unit in self.units if str(unit.pk) == str(raw).strip()), None)
        if self.instance.pk:
            return self.instance.unit
        initial = self.initial.get("unit")
        if isinstance(initial, Unit):
            return initial
        own = next((unit for unit in self.units if unit.pk == self.user.unit_id), None)
        return own or next(iter(self.units), None)

    def _named_now(self) -> list[int]:
        """The people the stored plan names (none for a new plan): kept among the choices."""
        plan = self.instance
        if not plan.pk:
            return []
        named = [plan.responsible_id, plan.screenshot_responsible_id, plan.terms_reviewed_by_id]
        return [*named, *(person.pk for person in plan.other_people.all())]

    def sections(self):
        for title, names in SECTIONS:
            yield title, [self[name] for name in names if self._shown(name)]

    def _shown(self, name: str) -> bool:
        if name == "channel":
            return self.offers_channels
        if name == "confirm_new_channel":
            return bool(self.duplicates) or bool(self.is_bound and self.data.get(self.add_prefix(name)))
        return name in self.fields


class GoalForm(forms.ModelForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = GOAL_FIELDS
        widgets = {
            "description": forms.TextInput(),
            "metric": Select,
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "first_measured_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "baseline": forms.NumberInput(attrs={"step": "any", "min": 0}),
            "target": forms.NumberInput(attrs={"step": "any", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the model accepts (models.plan.valid_deadline), offered by the date picker.
        for name in ("deadline", "first_measured_on"):
            self.fields[name].widget.attrs.update(
                {"min": EARLIEST_DATE.isoformat(), "max": latest_deadline().isoformat()}
            )


class BaseGoalFormSet(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": TOO_MANY_GOALS}

    def goals(self) -> list[dict]:
        """The goals in the form's order; empty rows and rows marked for removal are left out."""
        goals = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            if not any(data.get(field) not in (None, "") for field in GOAL_FIELDS):
                continue
            goals.append({"id": data.get("id"), **{field: data.get(field) for field in GOAL_FIELDS}})
        return goals


GoalFormSet = formset_factory(
    GoalForm,
    formset=BaseGoalFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_GOALS,
    validate_max=True,
    absolute_max=MAX_GOALS,
)


def goal_formset(*, data=None, plan: Plan | None = None) -> BaseGoalFormSet:
    if data is not None:
        return GoalFormSet(data, prefix="goals")
    initial = []
    if plan is not None:
        initial = [{"id": goal.pk, **{f: getattr(goal, f) for f in GOAL_FIELDS}} for goal in plan.goals.all()]
    if not initial:
        initial = [{}]
    return GoalFormSet(initial=initial, prefix="goals")


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (a.value, a.label) for a in (Action.APPROVE, Action.RETURN, Action.REJECT, Action.WITHDRAW, Action.SUBMIT)
        ]
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return or reject the plan."),
        max_length=COMMENT_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_length_limits(self)


class PlanFilterForm(forms.Form):
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
        self.fields["status"].choices = [("", _("All statuses")), *PlanStatus.choices]
        self.fields["platform"].choices = [("", _("All platforms")), *Platform.choices]


# --- Closure requests -----------------------------------------------------------------------------


CLOSURE_HELP = {
    "reason": _("What does not work: reach, resources, the platform, the purpose?"),
    "measures_tried": _("What has been done to make the channel work before deciding to close it?"),
    "visitor_figures": _("Followers, visits and reach over the last year, and how they have developed."),
    "followers_notice": _("How and when are the followers told, and where are they pointed instead?"),
    "account_fate": _(
        "Is the account deleted, or kept with a notice? A final screenshot record is needed before closing."
    ),
    "case_number": _("If the closure is registered in the Region's case system: its number. Not required."),
}


class ClosureForm(forms.ModelForm):
    """The analysis; saving a draft needs nothing, submitting needs every field (domain)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ClosureRequest
        fields = ClosureRequest.CONTENT_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ClosureRequest.ANALYSIS_FIELDS}
        help_texts = CLOSURE_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_length_limits(self)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision

    def analysis(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ClosureRequest.CONTENT_FIELDS}


class ClosureDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (a.value, a.label) for a in (Action.APPROVE, Action.RETURN, Action.REJECT, Action.WITHDRAW, Action.SUBMIT)
        ]
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return or reject the request."),
        max_length=COMMENT_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_length_limits(self)
