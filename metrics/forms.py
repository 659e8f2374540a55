"""The measuring page's forms: a value entered by hand, a file to import, and the buttons of an
import's preview. The rules a value obeys are the domain's (domain.measurements.value_errors);
the forms only read what was typed."""

import re

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .domain.evaluations import goal_key
from .enums import CATALOGUE, EVALUATION_TEXT_MAX_LENGTH, MEASURED_CHOICES, Conclusion, MetricKind, Period
from .models import DECIMAL_PLACES, MAX_DIGITS, EvaluationGoal

DATE_WIDGET = {"type": "date"}
SPACES = re.compile(r"[\s\u00a0\u2009\u202f]")


class NumberField(forms.DecimalField):
    """A value as people type it in Swedish or English: `1 234,5`, `1234.5`, `1 234`."""

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value).replace(",", ".")
        return super().to_python(value)


def metric_choices(platform: str) -> list[tuple[str, str]]:
    """The metrics that can be entered for a channel on `platform` (posts are counted, not entered)."""
    return [(value, label) for value, label in MEASURED_CHOICES if CATALOGUE[value].fits(platform)]


class MeasurementForm(forms.Form):
    """One value entered by hand (domain.measurements.record_measurement). When a different
    value is already stored, the form comes back with that value in `replaces` and the
    `confirm` box to tick."""

    metric = forms.ChoiceField(label=_("Metric"))
    on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=_("For a week, its Monday; for a month, its first day."),
    )
    value = NumberField(
        label=_("Value"),
        min_value=0,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    period = forms.ChoiceField(
        label=_("The value covers"),
        choices=Period.choices,
        initial=Period.DAY,
        required=False,
        help_text=_("Only for counts such as visits or comments. Followers and response time are given for one day."),
    )
    replaces = NumberField(
        required=False, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, widget=forms.HiddenInput
    )
    confirm = forms.BooleanField(label=_("Replace the stored value"), required=False)

    def __init__(self, *args, platform: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices(platform)
        self.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_period(self):
        return self.cleaned_data.get("period") or Period.DAY

    def clean(self):
        data = super().clean()
        metric = data.get("metric")
        # A level (followers) is always a day's value: a period chosen by mistake is not an error.
        if metric in CATALOGUE and CATALOGUE[metric].kind == MetricKind.LEVEL:
            data["period"] = Period.DAY
        return data

    @property
    def replaced(self):
        """The stored value the person confirmed replacing, or None."""
        if self.cleaned_data.get("confirm"):
            return self.cleaned_data.get("replaces")
        return None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_("A CSV file of at most 20 MB in one of the three formats described below."),
    )


class RevisionForm(forms.Form):
    """The preview's confirm button carries the import's revision, so that a stale page is told."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class EvaluationForm(forms.Form):
    """An evaluation's draft as the owner writes it: per goal the three questions (fields named
    as domain.evaluations.goal_key names them), the overall conclusion and what it concludes.
    The rules of completion are the domain's (completion_errors): the form only limits lengths.
    `action` is the button pressed: save the draft, or complete the evaluation."""

    SAVE, COMPLETE = "spara", "slutfor"

    summary = forms.CharField(
        label=_("Overall conclusion"),
        required=False,
        max_length=EVALUATION_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did the channel achieve this year, and is it worth its working hours?"),
    )
    conclusion = forms.ChoiceField(
        label=_("What does the evaluation conclude?"),
        choices=Conclusion.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The button pressed; without one (a form sent by the Enter key), the draft is saved.
    action = forms.ChoiceField(choices=[(SAVE, SAVE), (COMPLETE, COMPLETE)], required=False, widget=forms.HiddenInput)

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_fields = []
        for number, goal in enumerate(goals, start=1):
            names = []
            for field in EvaluationGoal.REFLECTION_FIELDS:
                name = goal_key(goal, field)
                question = EvaluationGoal._meta.get_field(field).verbose_name
                self.fields[name] = forms.CharField(
                    # The error summary names the goal; beside the field, its heading does.
                    label=format_lazy(_("Goal {number}: {question}"), number=number, question=question),
                    required=False,
                    max_length=EVALUATION_TEXT_MAX_LENGTH,
                    initial=getattr(goal, field),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                self.fields[name].question = question
                names.append(name)
            self.goal_fields.append((goal, [self[name] for name in names]))

    def clean_action(self):
        return self.cleaned_data.get("action") or self.SAVE

    @property
    def answers(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name.startswith("goal-")}
