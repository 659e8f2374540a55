"""The filters of the Beslutshistorik page. Unlike the other lists' filters, an invalid one stops
the search instead of being dropped: an auditor who asked for one person's events must never be
shown everyone's as if they were that person's."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from . import registry
from .enums import Kind
from .queries import Filters, people_named

# An id the database can hold (BigIntegerField), and days whose midnight it can store: a
# wider value would fail in the query instead of at the field.
ID_MAX = 2**63 - 1
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(9998, 12, 31)
DATE_WIDGET = {"type": "date"}


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )


def _id_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=ID_MAX)


class EventFilterForm(forms.Form):
    plan = _id_field(_("Plan number"))
    channel = _id_field(_("Channel number"))
    person = forms.CharField(
        label=_("Person (username)"),
        required=False,
        max_length=150,
        help_text=_("What the person did and what was done about them."),
    )
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    action = forms.ChoiceField(label=_("Event"), required=False)
    since = _date_field(_("From (date)"))
    until = _date_field(_("To (date)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Kind.choices]
        # The registered actions by their label in the reader's language, alphabetically.
        labelled = sorted(((known.name, str(known.label)) for known in registry.actions()), key=lambda pair: pair[1])
        self.fields["action"].choices = [("", _("All events")), *labelled]
        self.fields["person"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        for name in ("plan", "channel"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean_person(self) -> int | None:
        """The person's id, by their username in one query; the exact spelling wins over others
        that differ only in case."""
        username = self.cleaned_data.get("person", "").strip()
        if not username:
            return None
        found = people_named(username)
        exact = [pk for pk, name in found if name == username]
        if exact:
            return exact[0]
        if len(found) == 1:
            return found[0][0]
        if not found:
            raise forms.ValidationError(
                _("Nobody has the username “%(username)s”."), code="unknown", params={"username": username}
            )
        raise forms.ValidationError(
            _("Several people have a username like “%(username)s”: type it exactly."),
            code="ambiguous",
            params={"username": username},
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error(
                "until", forms.ValidationError(_("The last day cannot be before the first day."), code="before_start")
            )
        return data

    def filters(self) -> Filters | None:
        """What was asked for, or None while a filter is invalid (then nothing is shown)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return Filters(
            plan=data.get("plan"),
            channel=data.get("channel"),
            person=data.get("person"),
            kind=data.get("kind") or "",
            action=data.get("action") or "",
            since=data.get("since"),
            until=data.get("until"),
        )

    def description(self) -> str:
        """The filters in a line, for the reason of the export's own event (stored as data, in
        Swedish like every stored label)."""
        data = self.cleaned_data
        given = {
            "plan": data.get("plan"),
            "kanal": data.get("channel"),
            "person": self.data.get("person", "").strip() if data.get("person") is not None else None,
            "typ": data.get("kind"),
            "händelse": data.get("action"),
            "från": data.get("since"),
            "till": data.get("until"),
        }
        return "; ".join(f"{name}={value}" for name, value in given.items() if value) or "alla händelser"


def fore_of(value) -> int | None:
    """The keyset cursor `?fore=<id>`: the id the page starts below, or None (the newest) for a
    missing or unreadable one."""
    try:
        fore = int(value)
    except (TypeError, ValueError):
        return None
    return fore if 0 < fore <= ID_MAX else None


class EndPersonForm(forms.Form):
    """Who takes over what the leaving person holds (audit.leaving): one successor for
    everything required, and per holding another one where it should go elsewhere. The choices
    are read once (`candidates`) for every field, so the page costs one query for them."""

    SAME = ""

    everything = forms.ChoiceField(
        label=_("Successor for everything"),
        required=False,
        help_text=_("Takes over everything below that must be handed over, where you choose no one else."),
    )
    shown = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(label=_("End the account: the person can no longer sign in."), required=True)

    def __init__(self, *args, holdings, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.people = {str(person.pk): person for person in candidates}
        choices = [(str(person.pk), person.get_full_name()) for person in candidates]
        self.fields["everything"].choices = [(self.SAME, _("No one: choose below")), *choices]
        self.holdings = [holding for holding in holdings if holding.choosable]
        self.fields["shown"].initial = self.shown_value(holdings)
        for holding in self.holdings:
            self.fields[holding.key] = forms.ChoiceField(
                label=holding.label,
                required=False,
                choices=[
                    (self.SAME, _("The successor for everything") if holding.required else _("No one")),
                    *choices,
                ],
                help_text=holding.ends or (_("Needs valid legal training.") if holding.needs_training else ""),
            )

    @staticmethod
    def shown_value(holdings) -> str:
        return ",".join(sorted(holding.key for holding in holdings))

    def successors(self) -> dict:
        """{holding key: successor or None}, after is_valid()."""
        everything = self.people.get(self.cleaned_data.get("everything") or "")
        found = {}
        for holding in self.holdings:
            chosen = self.people.get(self.cleaned_data.get(holding.key) or "")
            found[holding.key] = chosen or (everything if holding.required else None)
        return found
