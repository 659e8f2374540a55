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
from .forms import (
    AbsenceForm,
    DeputyForm,
    LimitedPasswordResetForm,
    TrainingFilterForm,
    TrainingForm,
    deputy_pool,
)
from .models import Absence, Deputy, TrainingRecord, Unit, User
from .queries import (
    TRAINING_EXPIRED,
    TRAINING_MISSING,
    TRAINING_SOON,
    TRAINING_VALID,
    TRAINING_WARNING_DAYS,
    TrainingState,
    current_and_coming_absences,
    is_overseer,
    people_in_scope,
    state_from_records,
    training_counts,
    training_state,
    with_training,
)

PAGE_SIZE = 50


def page_query(request, *drop: str) -> str:
    query = request.GET.copy()
    for name in ("sida", *drop):
        query.pop(name, None)
    return query.urlencode()


# --- Training -----------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A Paginator told how many rows there are (the page's summary has counted them already),
    instead of asking the database once more."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # replaces the cached COUNT query of Paginator.count


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
        return self.key != TRAINING_VALID


def training_row(state: TrainingState, may_register: bool = False) -> TrainingRow:
    key = state.status
    if key == TRAINING_SOON:
        label, tone = _("Expires within %(days)d days") % {"days": TRAINING_WARNING_DAYS}, "amber"
    elif key == TRAINING_VALID:
        label, tone = _("Valid"), "green"
    elif key == TRAINING_EXPIRED:
        label, tone = _("Expired"), "red"
    else:
        label, tone = _("Missing"), "red"
    return TrainingRow(state, key, label, tone, may_register)


def sees_others_training(user: User) -> bool:
    return is_overseer(user) or user.is_superuser or user.is_chef


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trainings(request):
    """Own training, the training of the people one follows a page at a time (their states
    computed in the query that pages them), and the registration form, which offers the
    people of the page (and the one asked for with `?person=`) and accepts anyone the viewer
    may register for (rules.training_registrable)."""
    user = request.user
    registrable = rules.training_registrable(user)
    if not registrable.exists():
        if request.method == "POST":
            raise PermissionDenied(_("Only managers and the communications officer can register trainings."))
        return render(request, "people/trainings.html", training_context(request))
    if request.method == "POST":
        chosen = request.POST.get("person", "")
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
    else:
        chosen = request.GET.get("person", "")
        form = TrainingForm(people=registrable, initial={"completed_on": timezone.localdate()})
    context = training_context(request)
    offered = _offered(context, registrable, chosen)
    form.offer(offered)
    if not form.is_bound:
        form.initial["person"] = next((person.pk for person in offered if str(person.pk) == chosen), None)
    return render(request, "people/trainings.html", {**context, "form": form})


def _offered(context: dict, registrable, chosen: str) -> list[User]:
    """The people the form lists: those of the page the viewer may register for, and the one
    asked for (a link from elsewhere) if they may register for them; for a viewer without the
    list, everyone they may register for (the people of the units they are chef of)."""
    if "page" not in context:
        return list(registrable.select_related("unit").order_by("full_name", "pk"))
    offered = [row.person for row in context["page"].object_list if row.may_register]
    if chosen.isdigit() and all(str(person.pk) != chosen for person in offered):
        offered += list(registrable.select_related("unit").filter(pk=chosen))
    return offered


def training_context(request) -> dict:
    user, today = request.user, timezone.localdate()
    own_records = list(TrainingRecord.objects.filter(user=user).select_related("registered_by"))
    context = {
        "own": training_row(state_from_records(user, own_records, today)),
        "own_records": own_records,
        "warning_days": TRAINING_WARNING_DAYS,
        "sees_others": sees_others_training(user),
    }
    if context["sees_others"]:
        people = with_training(people_in_scope(user), today)
        counts = training_counts(people)
        filter_form = TrainingFilterForm(request.GET or None)
        only_action = filter_form.is_valid() and filter_form.cleaned_data["needs_action"]
        if only_action:
            people = people.exclude(training_status=TRAINING_VALID)
            shown = counts[TRAINING_SOON] + counts[TRAINING_EXPIRED] + counts[TRAINING_MISSING]
        else:
            shown = sum(counts.values())
        people = rules.with_training_verdict(user, people)
        page = CountedPaginator(people, PAGE_SIZE, count=shown).get_page(request.GET.get("sida"))
        page.object_list = [training_row(training_state(person), person.may_register) for person in page.object_list]
        context.update(
            {
                "filter_form": filter_form,
                "only_action": only_action,
                "page": page,
                "query_string": page_query(request, "person"),
                "count_missing": counts[TRAINING_MISSING] + counts[TRAINING_EXPIRED],
                "count_soon": counts[TRAINING_SOON],
                "count_valid": counts[TRAINING_VALID],
            }
        )
    return context


# --- Absences -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def absences(request):
    """Own absences, and for a chef those of the people of the units they lead.

    A POST with `delete` removes a coming absence (the page asks for confirmation first);
    any other POST registers one.
    """
    user = request.user
    people = rules.absence_registrable(user)
    if request.method == "POST" and "delete" in request.POST:
        return _delete(request, people)
    form = AbsenceForm(request.POST or None, user=user, people=people, deputies=deputy_pool(user))
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
    listing = current_and_coming_absences([person.pk for person in form.people], today)
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


def _delete(request, people):
    try:
        absence_id = int(request.POST["delete"])
    except ValueError as exc:
        raise Http404 from exc
    absence = Absence.objects.filter(pk=absence_id).first()
    if absence is None:
        # A second click on the same button: the first one already removed it.
        messages.info(request, _("The absence had already been removed."))
        return redirect("people:absences")
    if not people.filter(pk=absence.user_id).exists():
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
    led = list(units)
    if not led:
        raise PermissionDenied(_("Only a manager names deputies, for the units they lead."))
    today = timezone.localdate()
    mine = Deputy.objects.filter(person=user, unit__chef=user).exclude(ends_on__lt=today)
    if request.method == "POST" and "end" in request.POST:
        return _end_deputy(request, mine, today)
    form = DeputyForm(
        request.POST or None, units=units, offered_units=led, deputies=deputy_pool(user), initial={"starts_on": today}
    )
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
