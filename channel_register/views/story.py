"""A channel's whole story for those who read the audit log (Beslutshistorik): every change of
its fields, old → new, with who, when, from which address and why; the audit events about it;
and links to the stories of the plans for the channel.

The story is read by the Systemadministratör and the kulturdirektör only (audit.rules); anyone
else signed in is refused (403) whether or not the channel exists, so the page tells no one
which channels there are; for a reader, a channel that does not exist is a 404.

The reading of field-level history (`history_page`) and of events (`event_page`) is shared with
the plan's story (plans.views.story), which lives above the register. Both are bounded: one page
of history rows and one page of events, whatever the object's past, in a fixed number of
queries (see the query-count tests).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.fields.related import ForeignKey
from django.http import Http404
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from simple_history.utils import get_m2m_reverse_field_name

from audit.models import Event
from audit.rules import can_read_audit

from ..models import Channel

HISTORY_PAGE_SIZE = 50
EVENT_PAGE_SIZE = 50
# The query parameters of the two lists on a story page: the page number of the history rows,
# and the id below which the events continue (keyset: the events are read newest first by id).
HISTORY_PAGE = "sida"
EVENTS_BEFORE = "fore"
# Bookkeeping that every save bumps: not a change a reader wants to see.
NOT_SHOWN = {"revision"}
EMPTY = "–"


def refuse_unless_auditor(user) -> None:
    if not can_read_audit(user):
        raise PermissionDenied(
            _("Only the system administrator and the director of culture read the decision history.")
        )


# --- Field-level history ---------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Entry:
    """One history row as the story shows it: what it was about and what it changed."""

    record: object
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def address(self):
        # helper C adds `history_address` to every history model; before that, rows have none.
        return getattr(self.record, "history_address", None)

    @property
    def kind(self) -> str:
        return {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}.get(self.record.history_type, "")


def history_page(sources, number, *, per_page: int | None = None):
    """One page, newest first, of the history rows of all `sources`, each row with its changes
    against the previous row of the same object.

    `sources` is a list of `(queryset, subject)`: a queryset of one history model (rows of one
    object or of several, e.g. a plan's goals) and `subject(record) -> str`, what the row is
    about. Returns `(page, entries)`: the Paginator page (for the page links) and the entries.

    Queries: the COUNT and the page of keys (the rows of all sources in one UNION), then per
    source that has rows on the page its rows (with the previous row's id, the user joined), the
    previous rows, and per tracked many-to-many field its rows for both; then one query per kind
    of object a changed reference points to (people, units …). None is per row."""
    keys = None
    for index, (queryset, _subject) in enumerate(sources):
        part = queryset.order_by().annotate(source=Value(index)).values_list("history_date", "history_id", "source")
        keys = part if keys is None else keys.union(part, all=True)
    keys = keys.order_by("-history_date", "-history_id", "source")
    page = Paginator(keys, per_page or HISTORY_PAGE_SIZE).get_page(number)
    wanted = {index: [] for index in range(len(sources))}
    for _date, history_id, index in page.object_list:
        wanted[index].append(history_id)
    names = _Names()
    entries = {}
    for index, (queryset, subject) in enumerate(sources):
        if wanted[index]:
            for record, changes in _rows_with_changes(queryset, wanted[index], names):
                entries[(index, record.history_id)] = (record, subject, changes)
    names.resolve()
    ordered = []
    for _date, history_id, index in page.object_list:
        record, subject, changes = entries[(index, history_id)]
        shown = [Change(label, names.show(before), names.show(after)) for label, before, after in changes]
        ordered.append(Entry(record, subject(record), shown))
    return page, ordered


def _rows_with_changes(queryset, history_ids, names):
    model = queryset.model
    key = model.instance_type._meta.pk.attname
    earlier = (
        model.objects.filter(**{key: OuterRef(key)})
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    rows = list(
        queryset.filter(history_id__in=history_ids)
        .select_related("history_user")
        .annotate(previous_id=Subquery(earlier))
    )
    previous_ids = [row.previous_id for row in rows if row.previous_id is not None]
    previous = model.objects.in_bulk(previous_ids, field_name="history_id") if previous_ids else {}
    m2m = _m2m_values(model, [row.history_id for row in rows] + previous_ids)
    fields = [
        tracked
        for tracked in model.tracked_fields
        if tracked.editable and not tracked.primary_key and tracked.name not in NOT_SHOWN and not tracked.many_to_many
    ]
    for row in rows:
        before = previous.get(row.previous_id)
        changes = []
        for tracked in fields:
            old = tracked.value_from_object(before) if before is not None else None
            new = tracked.value_from_object(row)
            if old != new and not (before is None and _empty(new)):
                changes.append((capfirst(tracked.verbose_name), names.value(tracked, old), names.value(tracked, new)))
        for m2m_field, values in m2m.items():
            old = values.get(before.history_id, set()) if before is not None else set()
            new = values.get(row.history_id, set())
            if old != new:
                changes.append(
                    (capfirst(m2m_field.verbose_name), names.many(m2m_field, old), names.many(m2m_field, new))
                )
        yield row, changes


def _m2m_values(model, history_ids) -> dict:
    """{tracked many-to-many field: {history id: set of related ids}}: one query per field."""
    found = {}
    for m2m_field in model._history_m2m_fields:
        through = getattr(model, m2m_field.name).model
        target = get_m2m_reverse_field_name(m2m_field)
        values: dict = {}
        for history_id, related_id in through.objects.filter(history_id__in=history_ids).values_list(
            "history_id", f"{target}_id"
        ):
            values.setdefault(history_id, set()).add(related_id)
        found[m2m_field] = values
    return found


def _empty(value) -> bool:
    return value is None or value == ""


@dataclass(frozen=True)
class _Ref:
    model: type
    pk: object


@dataclass(frozen=True)
class _Refs:
    model: type
    pks: tuple


class _Names:
    """The values of changed fields made readable, with every reference to another object read
    in one query per kind of object."""

    def __init__(self):
        self.wanted: dict[type, set] = {}
        self.found: dict[type, dict] = {}

    def value(self, model_field, value):
        if _empty(value):
            return None
        if isinstance(model_field, ForeignKey):
            related = model_field.related_model
            self.wanted.setdefault(related, set()).add(value)
            return _Ref(related, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return value

    def many(self, m2m_field, ids):
        related = m2m_field.related_model
        self.wanted.setdefault(related, set()).update(ids)
        return _Refs(related, tuple(sorted(ids)))

    def resolve(self) -> None:
        for related, pks in self.wanted.items():
            if pks:
                self.found[related] = related._default_manager.in_bulk(list(pks))

    def show(self, value) -> str:
        if value is None:
            return EMPTY
        if isinstance(value, _Ref):
            return self._name(value.model, value.pk)
        if isinstance(value, _Refs):
            return ", ".join(sorted(self._name(value.model, pk) for pk in value.pks)) or EMPTY
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "j F Y H:i")
        if isinstance(value, datetime.date):
            return formats.date_format(value, "j F Y")
        if isinstance(value, Decimal | float):
            return formats.localize(value)
        return str(value)

    def _name(self, model, pk) -> str:
        found = self.found.get(model, {}).get(pk)
        if found is None:
            return _("(removed, no. %(pk)s)") % {"pk": pk}
        if model is get_user_model():
            return found.get_full_name()
        return str(found)


# --- Audit events ----------------------------------------------------------------------------------


def event_page(events, before, *, per_page: int | None = None):
    """One page of `events`, newest first by id, below the id `before` (keyset: no COUNT, and
    as fast on the millionth event as on the first). Returns `(events, next_before)`, the
    latter None on the last page. One query: a page and one more row, the actor joined."""
    per_page = per_page or EVENT_PAGE_SIZE
    events = events.select_related("actor").order_by("-id")
    if str(before or "").isdigit():
        events = events.filter(id__lt=int(before))
    rows = list(events[: per_page + 1])
    if len(rows) > per_page:
        rows = rows[:per_page]
        return rows, rows[-1].id
    return rows, None


def page_links(request, *, history_page_obj, next_before) -> dict:
    """The query strings of the story's page links, each keeping the other list where it is."""
    query = request.GET.copy()
    query.pop(HISTORY_PAGE, None)
    history_query = query.urlencode()
    query = request.GET.copy()
    query.pop(EVENTS_BEFORE, None)
    events_query = query.urlencode()
    older = request.GET.copy()
    if next_before is not None:
        older[EVENTS_BEFORE] = next_before
    return {
        "page": history_page_obj,
        "query_string": history_query,
        "events_newest_query": events_query,
        "events_older_query": older.urlencode() if next_before is not None else "",
        "events_paged": str(request.GET.get(EVENTS_BEFORE, "")).isdigit(),
    }


# --- The channel's story ---------------------------------------------------------------------------


@login_required
@require_safe
def channel_story(request, pk):
    refuse_unless_auditor(request.user)
    channel = Channel.objects.select_related("unit").filter(pk=pk).first()
    if channel is None:
        raise Http404
    page, entries = history_page(
        [(Channel.history.filter(id=channel.pk), lambda record: _("The channel"))],
        request.GET.get(HISTORY_PAGE),
    )
    events, next_before = event_page(Event.objects.filter(channel_id=channel.pk), request.GET.get(EVENTS_BEFORE))
    context = {
        "channel": channel,
        "entries": entries,
        "events": events,
        "plans": plans_of(channel),
        **page_links(request, history_page_obj=page, next_before=next_before),
    }
    return render(request, "channels/story.html", context)


def plans_of(channel) -> list[dict]:
    """The plans the audit log has seen for the channel (the register does not import plans):
    their ids, each named as its first event about the plan itself named it (a plan is one
    version; later events may name a file instead, as a download does). One query."""
    label = (
        Event.objects.filter(plan_id=OuterRef("plan_id"), object_type="plans.plan")
        .order_by("id")
        .values("object_label")[:1]
    )
    return list(
        Event.objects.filter(channel_id=channel.pk, plan_id__isnull=False)
        .order_by()
        .values("plan_id")
        .distinct()
        .annotate(label=Subquery(label))
        .order_by("plan_id")
    )
