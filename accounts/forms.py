"""Forms of the accounts app: sign-in, and the people pages (trainings and absences) with who
may be chosen in them; the person fields the other apps' forms use."""

from collections.abc import Iterable

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import Exists, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .domain.password_reset import admit_password_reset
from .domain.people import PERIOD_BACKWARDS
from .enums import AbsenceKind, Course, DeputyCondition, Role
from .models import Unit, User


class LoginForm(AuthenticationForm):
    """Django's login form with autocomplete hints that password managers and WCAG 1.3.5 expect."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form under the reset limit (accounts.domain.password_reset): over it no
    mail is sent, and the view answers exactly as when one is, so the answer tells nobody
    whether the address has an account or was limited."""

    def __init__(self, *args, client_address: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.client_address = client_address

    def get_users(self, email):
        """The accounts `save` mails: Django's choice (active, a usable password, the address
        matching; one at most, addresses being unique), less those the limit refuses. Every
        request is put to the limit, an unknown address too, so that it counts against the
        client address."""
        users = list(super().get_users(email)) or [None]
        return [user for user in users if admit_password_reset(user, self.client_address)]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.unit})" if obj.unit_id else obj.get_full_name()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


DATE_WIDGET = {"type": "date"}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


def offer(field: forms.ModelChoiceField, choices: Iterable) -> None:
    """Show `choices` (rows already read) as the options of `field`, instead of the field reading
    its queryset again each time it is rendered or asked whether it is required. The field
    still accepts exactly what its queryset holds: what is offered only narrows what is shown."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = empty + [(choice.pk, field.label_from_instance(choice)) for choice in choices]


class TrainingFilterForm(forms.Form):
    needs_action = forms.BooleanField(
        label=_("Only those who need action"),
        required=False,
        help_text=_("People without valid training, and people whose training expires within 60 days."),
    )


class TrainingForm(forms.Form):
    """A completed training. The rules and dates are checked again by domain.people."""

    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none())
    course = forms.ChoiceField(label=_("Course"), choices=Course.choices, initial=Course.LEGAL_BASICS)
    completed_on = forms.DateField(label=_("Completed on"), widget=date_input())
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty for three years after the completion date."),
    )

    def __init__(self, *args, people: QuerySet[User], **kwargs):
        """`people` are those who may be chosen (rules.training_registrable); `offer` says whom
        to list: a page of them, not everyone in the administration."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].empty_label = _("Choose a person")

    def offer(self, people: Iterable[User]) -> None:
        offer(self.fields["person"], people)

    def clean(self):
        data = super().clean()
        completed, until = data.get("completed_on"), data.get("valid_until")
        if completed and until and until < completed:
            self.add_error("valid_until", _("The training cannot expire before it was completed."))
        return data


class AbsenceForm(forms.Form):
    """An absence period. The person field is there only for those who may choose someone else
    (a chef); everyone else registers for themselves."""

    person = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        help_text=_("You can register absences for yourself and for the people of the units you lead."),
    )
    kind = forms.ChoiceField(label=_("Kind of absence"), choices=AbsenceKind.choices, initial=AbsenceKind.SEMESTER)
    starts_on = forms.DateField(label=_("From (first day)"), widget=date_input())
    ends_on = forms.DateField(
        label=_("To (last day)"), widget=date_input(), help_text=_("The last day you are away, included.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Optional, for example who stands in for you. Visible to your manager."),
    )

    deputy = PersonChoiceField(
        label=_("Deputy as manager while away"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Optional, for managers: who decides the plans of your units while you are away. "
            "The decisions show that they decided for you."
        ),
    )

    def __init__(self, *args, user: User, people: QuerySet[User], deputies: QuerySet[User], **kwargs):
        """`people` are those `user` may register for (rules.absence_registrable: themselves
        and their units' people), `deputies` whom they may name (deputy_pool); each is read once
        for its options, and a field with nobody to choose but `user` is left out."""
        super().__init__(*args, **kwargs)
        self.user = user
        choices = list(deputies)
        if choices:
            self.fields["deputy"].queryset = deputies
            offer(self.fields["deputy"], choices)
        else:
            del self.fields["deputy"]
        self.people = list(people.select_related("unit").order_by("full_name", "pk"))
        if any(person.pk != user.pk for person in self.people):
            self.fields["person"].queryset = people
            self.fields["person"].initial = user.pk
            self.fields["person"].empty_label = None
            offer(self.fields["person"], self.people)
        else:
            del self.fields["person"]

    @property
    def chooses_person(self) -> bool:
        return "person" in self.fields

    def clean(self):
        return _period_checked(self, super().clean())

    @property
    def names_deputy(self) -> bool:
        return "deputy" in self.fields

    def chosen_person(self) -> User:
        return self.cleaned_data.get("person") or self.user


def deputy_pool(user: User) -> QuerySet[User]:
    """Whom a chef may name as deputy: the other active chefs and the kulturdirektör, and the
    people of the units they lead; nobody for someone who leads no unit (a condition of the
    same query, so that a page asks once)."""
    led = Unit.objects.filter(chef=user)
    roles = [Role.CHEF.value, Role.KULTURDIREKTOR.value]
    return (
        User.objects.filter(Exists(led), Q(groups__name__in=roles) | Q(unit__in=led), is_active=True)
        .exclude(pk=user.pk)
        .select_related("unit")
        .distinct()
        .order_by("full_name", "pk")
    )


class DeputyForm(forms.Form):
    """A chef's deputy (ersättare) as the chef of a unit they lead (domain.people.register_deputy)."""

    unit = forms.ModelChoiceField(label=_("As manager of"), queryset=Unit.objects.none(), empty_label=None)
    deputy = PersonChoiceField(
        label=_("Deputy"),
        queryset=User.objects.none(),
        help_text=_("Decides the unit's plans and closure requests in your place; the decisions show it."),
    )
    condition = forms.ChoiceField(label=_("Acts"), choices=DeputyCondition.choices, initial=DeputyCondition.ABSENT)
    starts_on = forms.DateField(label=_("From (first day)"), widget=date_input())
    ends_on = forms.DateField(
        label=_("To (last day)"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty for until further notice."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, units: QuerySet[Unit], offered_units: list[Unit], deputies: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        offer(self.fields["unit"], offered_units)
        self.fields["deputy"].queryset = deputies

    def clean(self):
        return _period_checked(self, super().clean())


def _period_checked(form: forms.Form, data: dict) -> dict:
    """A form's period (starts_on, ends_on) that ends before it starts is refused at its last
    day, before the domain function is asked (which refuses it too: people.period_errors)."""
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        form.add_error("ends_on", PERIOD_BACKWARDS)
    return data
