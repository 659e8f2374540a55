"""Pages about the people who run channels: training status and absences.

The training page is open to everyone signed in, but shows each person only what is theirs
to follow: a medarbetare sees their own training status and records (they need to know
whether they may run a channel, and a 403 would hide that); a chef sees the people of the
units they read; overseers see everyone. The registration form appears only for those who
may register for at least one person (chefs for their units, the kommunikationsansvarig for
everyone); a POST from anyone else is a 403.

Also the password-reset page, Django's under the reset limit.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kob_social.client_ip import client_ip
from kob_social.errors import NotAllowed, errors_to_form

from . import oidc, rules
from .domain.people import (
    delete_absence,
    deputies_during,
    end_deputy,
    register_absence,
    register_deputy,
    register_training,
)
from .enums import Course
from .forms import (
    AbsenceForm,
    DeputyForm,
    LimitedPasswordResetForm,
    TrainingFilterForm,
    TrainingForm,
    absence_candidates,
    deputy_candidates,
    people_allowed,
    training_candidates,
)
from .models import Absence, Deputy, TrainingRecord, Unit, User
from .queries import TRAINING_WARNING_DAYS, TrainingState, expires_soon, is_overseer, training_overview

PAGE_SIZE = 50


def page_query(request, *drop: str) -> str:
    query = request.GET.copy()
    for name in ("sida", *drop):
        query.pop(name, None)
    return query.urlencode()


# --- Training -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRow:
    """One person's training state, with its words: the colour only repeats the text."""

    state: TrainingState
    key: str
    label: str
    tone: str
    may_register: bool

    @property
    def person(self) -> User:
        return self.state.person

    @property
    def needs_action(self) -> bool:
        return self.key != "valid"


def training_row(state: TrainingState, may_register: bool = False) -> TrainingRow:
    if state.has_valid and state.expires_soon:
        key, tone = "soon", "amber"
        label = _("Expires within %(days)d days") % {"days": TRAINING_WARNING_DAYS}
    elif state.has_valid:
        key, label, tone = "valid", _("Valid"), "green"
    elif state.valid_until is not None:
        key, label, tone = "expired", _("Expired"), "red"
    else:
        key, label, tone = "missing", _("Missing"), "red"
    return TrainingRow(state, key, label, tone, may_register)


def sees_others_training(user: User) -> bool:
    return is_overseer(user) or user.is_superuser or user.is_chef


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trainings(request):
    user = request.user
    registrable = people_allowed(user, rules.can_register_training_for, training_candidates(user))
    form = None
    if request.method == "POST":
        if not registrable:
            raise PermissionDenied(_("Only managers and the communications officer can register trainings."))
        form = TrainingForm(request.POST, people=registrable)
        if form.is_valid():
            data = form.cleaned_data
            with errors_to_form(form):
                record = register_training(
                    user, data["person"], data["course"], data["completed_on"], data["valid_until"]
                )
            if not form.errors:
                messages.success(
                    request,
                    _("The training of %(name)s has been registered, valid until %(date)s.")
                    % {"name": record.user.get_full_name(), "date": formats.date_format(record.valid_until)},
                )
                return redirect("people:trainings")
    elif registrable:
        chosen = request.GET.get("person", "")
        form = TrainingForm(
            people=registrable,
            initial={
                "person": next((p.pk for p in registrable if str(p.pk) == chosen), None),
                "completed_on": timezone.localdate(),
            },
        )
    return render(request, "people/trainings.html", training_context(request, registrable, form))


def training_context(request, registrable: list[User], form: TrainingForm | None) -> dict:
    user, today = request.user, timezone.localdate()
    may_register = {person.pk for person in registrable}
    states = training_overview(user, today)
    own = next((state for state in states if state.person.pk == user.pk), None)
    own_records = list(TrainingRecord.objects.filter(user=user).select_related("registered_by"))
    if own is None:
        # Someone outside every unit is not in their own scope: judge their own records.
        valid = [record for record in own_records if record.course == Course.LEGAL_BASICS and record.is_valid_on(today)]
        own = _own_state(user, valid, own_records, today)
    context = {
        "own": training_row(own),
        "own_records": own_records,
        "form": form,
        "warning_days": TRAINING_WARNING_DAYS,
        "sees_others": sees_others_training(user),
    }
    if context["sees_others"]:
        rows = [training_row(state, state.person.pk in may_register) for state in states]
        filter_form = TrainingFilterForm(request.GET or None)
        only_action = filter_form.is_valid() and filter_form.cleaned_data["needs_action"]
        shown = [row for row in rows if row.needs_action] if only_action else rows
        context.update(
            {
                "filter_form": filter_form,
                "only_action": only_action,
                "page": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("sida")),
                "query_string": page_query(request, "person"),
                "count_missing": sum(row.key in ("missing", "expired") for row in rows),
                "count_soon": sum(row.key == "soon" for row in rows),
                "count_valid": sum(row.key == "valid" for row in rows),
            }
        )
    return context


def _own_state(user: User, valid: list[TrainingRecord], records: list[TrainingRecord], today) -> TrainingState:
    if any(record.valid_until is None for record in valid):
        return TrainingState(user, None, True, False)
    ends = [record.valid_until for record in records if record.completed_on <= today and record.valid_until]
    until = max(ends) if ends else None
    soon = bool(valid) and expires_soon(until, today)
    return TrainingState(user, until, bool(valid), soon)


# --- Absences -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def absences(request):
    """Own absences, and for a chef those of the people of the units they lead.

    A POST with `delete` removes a coming absence (the page asks for confirmation first);
    any other POST registers one.
    """
    user = request.user
    people = people_allowed(user, rules.can_register_absence_for, absence_candidates(user))
    if request.method == "POST" and "delete" in request.POST:
        return _delete(request, people)
    form = AbsenceForm(request.POST or None, user=user, people=people, deputies=deputy_candidates(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = form.chosen_person()
        with errors_to_form(form):
            absence = register_absence(
                user,
                person,
                data["kind"],
                data["starts_on"],
                data["ends_on"],
                data.get("note", ""),
                deputy=data.get("deputy"),
            )
        if not form.errors:
            if person.pk == user.pk:
                message = _("Your absence from %(start)s to %(end)s has been registered.")
            else:
                message = _("The absence of %(name)s from %(start)s to %(end)s has been registered.")
            messages.success(
                request,
                message
                % {
                    "name": person.get_full_name(),
                    "start": formats.date_format(absence.starts_on),
                    "end": formats.date_format(absence.ends_on),
                },
            )
            if data.get("deputy"):
                messages.info(
                    request,
                    _("%(deputy)s decides in your place as manager while you are away.")
                    % {"deputy": data["deputy"].get_full_name()},
                )
            return redirect("people:absences")
    today = timezone.localdate()
    listing = (
        Absence.objects.filter(user_id__in=[person.pk for person in people], ends_on__gte=today)
        .select_related("user", "registered_by")
        .order_by("starts_on", "user__full_name", "pk")
    )
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("sida"))
    page.object_list = list(page.object_list)
    named = deputies_during(page.object_list)
    for absence in page.object_list:
        absence.deputies = named.get(absence.pk, [])
    return render(
        request,
        "people/absences.html",
        {
            "form": form,
            "page": page,
            "query_string": page_query(request),
            "today": today,
            "shows_others": form.chooses_person,
        },
    )


def _delete(request, people: list[User]):
    try:
        absence_id = int(request.POST["delete"])
    except ValueError as exc:
        raise Http404 from exc
    absence = Absence.objects.filter(pk=absence_id).first()
    if absence is None:
        # A second click on the same button: the first one already removed it.
        messages.info(request, _("The absence had already been removed."))
        return redirect("people:absences")
    if absence.user_id not in {person.pk for person in people}:
        # Someone else's absence does not exist for you.
        raise Http404
    try:
        delete_absence(request.user, absence.pk)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The absence from %(start)s to %(end)s has been removed.")
            % {"start": formats.date_format(absence.starts_on), "end": formats.date_format(absence.ends_on)},
        )
    return redirect("people:absences")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deputies(request):
    """A chef's deputies (ersättare) as the chef of the units they lead, outside a vacation too:
    the current and coming arrangements, a form to name one, and a button to end one (after a
    confirmation). The page of those who lead a unit; the other roles' deputies are the
    administrator's, in the admin."""
    user = request.user
    units = Unit.objects.filter(chef=user).order_by("name", "pk")
    candidates = deputy_candidates(user)
    if candidates is None:
        raise PermissionDenied(_("Only a manager names deputies, for the units they lead."))
    today = timezone.localdate()
    mine = Deputy.objects.filter(person=user, unit__chef=user).exclude(ends_on__lt=today)
    if request.method == "POST" and "end" in request.POST:
        return _end_deputy(request, mine, today)
    form = DeputyForm(request.POST or None, units=units, deputies=candidates, initial={"starts_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_to_form(form):
            arrangement = register_deputy(
                user,
                unit=data["unit"],
                deputy=data["deputy"],
                condition=data["condition"],
                starts_on=data["starts_on"],
                ends_on=data.get("ends_on"),
                note=data.get("note", ""),
            )
        if not form.errors:
            messages.success(
                request,
                _("%(deputy)s is your deputy as manager of %(unit)s.")
                % {"deputy": arrangement.deputy.get_full_name(), "unit": arrangement.unit.name},
            )
            return redirect("people:deputies")
    page = Paginator(
        mine.select_related("deputy__unit", "unit").order_by("starts_on", "unit__name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("sida"))
    return render(
        request,
        "people/deputies.html",
        {"form": form, "page": page, "query_string": page_query(request), "today": today},
    )


def _end_deputy(request, mine, today):
    try:
        arrangement_id = int(request.POST["end"])
    except ValueError as exc:
        raise Http404 from exc
    with transaction.atomic():
        # Locked: of two clicks at once, the second finds it ended and says so.
        arrangement = (
            Deputy.objects.select_for_update(of=("self",)).select_related("deputy").filter(pk=arrangement_id).first()
        )
        if arrangement is None or (arrangement.ends_on is not None and arrangement.ends_on < today):
            messages.info(request, _("The deputy had already been ended."))
            return redirect("people:deputies")
        if not mine.filter(pk=arrangement.pk).exists():
            raise Http404  # someone else's arrangement does not exist for you
        end_deputy(request.user, arrangement, today)
    messages.success(
        request,
        _("%(deputy)s no longer decides in your place.") % {"deputy": arrangement.deputy.get_full_name()},
    )
    return redirect("people:deputies")


class LoginView(auth_views.LoginView):
    """The password sign-in, with the way to the Region's identity provider where it is set up."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": oidc.enabled()}


class LogoutView(auth_views.LogoutView):
    """Sign out here, and at the identity provider too when the session came from it."""

    def post(self, request, *args, **kwargs):
        provider = oidc.provider_logout_url(request)  # before the session, with its ID token, ends
        response = super().post(request, *args, **kwargs)
        return redirect(provider) if provider else response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page with the reset limit (accounts.domain.password_reset), counted per
    client address as the sign-in lock counts it (kob_social.client_ip)."""

    form_class = LimitedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "client_address": client_ip(self.request)}
