"""Beslutshistorik: the audit log for those who may read it (rules.can_read_audit), filtered,
newest first, a page at a time by keyset (queries.page_of), and the filtered events as CSV.

The page costs the same queries whatever the size of the log: the frame, the person's username
when one is asked for, and one page of events with their actors joined."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from kob_social.errors import Conflict, Incomplete
from kob_social.spreadsheets import csv_response

from . import domain, leaving, queries, rules
from .enums import Kind
from .forms import EndPersonForm, EventFilterForm, fore_of

EXPORT_CHUNK = 1000


class StoryLinks:
    """The story pages of plans and channels, each URL name reversed once for a page of rows."""

    PLACEHOLDER = 2147483647

    def __init__(self):
        self.patterns: dict[str, str] = {}

    def __call__(self, name: str, pk: int) -> str:
        pattern = self.patterns.get(name)
        if pattern is None:
            pattern = reverse(name, args=[self.PLACEHOLDER]).replace(str(self.PLACEHOLDER), "{}")
            self.patterns[name] = pattern
        return pattern.format(pk)

    def of(self, event) -> str:
        """Where the event's object is told: its plan's story, else its channel's."""
        if event.plan_id is not None:
            return self("plans:story", event.plan_id)
        if event.channel_id is not None:
            return self("channel_register:story", event.channel_id)
        return ""


def _require_reader(user) -> None:
    if not rules.can_read_audit(user):
        raise PermissionDenied(
            _("Only the system administrator and the director of culture may read the decision history.")
        )


def _rows(events) -> list[dict]:
    links, anonymous = StoryLinks(), _("anonymous")
    return [
        {
            "event": event,
            "who": event.actor.get_full_name() if event.actor_id else anonymous,
            "url": links.of(event),
        }
        for event in events
    ]


def _page(request, form: EventFilterForm, filters: queries.Filters | None):
    page = queries.page_of(queries.events(filters), fore_of(request.GET.get("fore"))) if filters else None
    query = request.GET.copy()
    query.pop("fore", None)
    context = {
        "form": form,
        "rows": _rows(page.rows) if page else [],
        "older": page.older if page else None,
        "paged": request.GET.get("fore") is not None,
        "filtered": filters is not None,
        "query_string": query.urlencode(),
    }
    return render(request, "audit/events.html", context)


@login_required
@require_safe
def events(request):
    _require_reader(request.user)
    # Always bound: no filter at all is a valid search (every event).
    form = EventFilterForm(request.GET)
    return _page(request, form, form.filters())


def _csv_header() -> list[str]:
    return [
        _("Id"),
        _("Time (UTC)"),
        _("Time (Swedish time)"),
        _("Who (username)"),
        _("Event code"),
        _("Event"),
        _("Kind of event"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Plan id"),
        _("Channel id"),
        _("Person id"),
        _("Address"),
        _("Reason"),
        _("Event group"),
    ]


def _csv_rows(found):
    kinds = {kind.value: str(kind.label) for kind in Kind}
    for event in found.iterator(chunk_size=EXPORT_CHUNK):
        yield [
            event.id,
            event.at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.actor.username if event.actor_id else "",
            event.action,
            event.label,
            kinds.get(event.kind, event.kind),
            event.object_type,
            event.object_id,
            event.object_label,
            event.plan_id,
            event.channel_id,
            event.person_id,
            event.address,
            event.reason,
            event.group,
        ]


@login_required
@require_safe
def export(request):
    """Every event of the filtered view as CSV, streamed a chunk at a time. The export is itself
    an event, written first; the file holds the events before it, so that it is the log as it
    stood when asked for (and never lists itself)."""
    _require_reader(request.user)
    form = EventFilterForm(request.GET)
    filters = form.filters()
    if filters is None:
        return _page(request, form, None)
    exported = domain.record("audit.exported", reason=form.description())
    found = queries.events(filters).filter(id__lt=exported.id)
    filename = f"beslutshistorik-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, _csv_header(), _csv_rows(found), stream=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def end_person(request, pk):
    """Avsluta användare: everything the person holds, a successor for each, and the end of the
    account, in one transaction (leaving.end_person). The administrator's alone, never for
    themselves."""
    person = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if not rules.can_end_person(request.user, person):
        raise PermissionDenied(_("Only an administrator can end another person's account."))
    held = leaving.holdings_of(person)
    candidates = User.objects.filter(is_active=True).exclude(pk=person.pk).order_by("full_name", "pk")
    form = EndPersonForm(request.POST or None, holdings=held.all, candidates=list(candidates))
    if request.method == "POST" and person.is_active and form.is_valid():
        if form.cleaned_data["shown"] != EndPersonForm.shown_value(held.all):
            # Shown again with what the person holds now, which a second submission accepts.
            data = request.POST.copy()
            data["shown"] = EndPersonForm.shown_value(held.all)
            form = EndPersonForm(data, holdings=held.all, candidates=form.candidates)
            form.is_valid()
            form.add_error(None, _("What the person holds has changed since the page was opened: look again."))
        else:
            try:
                leaving.end_person(person.pk, actor=request.user, successors=form.successors())
            except Incomplete as exc:
                for key, problems in exc.errors.items():
                    form.add_error(key if key in form.fields else None, problems)
            except Conflict as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s's account is ended, and everything they held has been handed over.")
                    % {"name": person.get_full_name()},
                )
                return redirect("audit:end_person", pk=person.pk)
    groups = [
        (kind.title, [(holding, form[holding.key] if holding.choosable else None) for holding in holdings])
        for kind, holdings in held.groups
    ]
    return render(request, "audit/end_person.html", {"person": person, "groups": groups, "form": form})
