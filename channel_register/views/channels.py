"""The channel register's list and the channel's page (with what the scheduled jobs found: the
update-rhythm strip, the feed's state, the screenshot duties), and the status and checklist
forms. People and agreements are in views.people; roster, inventory, screenshots, the removal
log and downloads in views.records; the update log and the feed address in views.upkeep.

Every view reads the channel through `common.get_visible_channel` (another unit's channel is a
404), checks the rule for what it does (403 when refused) and leaves the change to one domain
function (channel_register.domain.channels), whose errors it shows at the form's fields.

The plans and closure requests on the channel's page come from the plans app through
`hooks.plans().channel_page` (the register does not import plans).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Unit
from accounts.queries import is_overseer, readable_units, unit_and_descendant_ids
from audit.rules import can_read_audit
from kob_social.errors import Conflict, Incomplete, NotAllowed

from .. import hooks, rules
from ..domain import channels as domain
from ..enums import CHANNEL_TRANSITIONS, INFORMATION_ITEMS, ChannelAction, ChannelStatus, ChecklistItem, FrequencyPeriod
from ..forms import ChannelFilterForm, ChannelStatusForm, ChecklistForm
from ..models import Channel, RhythmCheck
from ..queries import (
    channels_visible_to,
    inventory_due,
    inventory_overdue,
    page_summary,
    roster_outlook,
    with_page_summary,
)
from .common import PAGE_SIZE, conflict_response, get_visible_channel

RHYTHM_STRIP = 8

STATUS_MESSAGES = {
    ChannelAction.ACTIVATE: gettext_lazy("The channel is now active."),
    ChannelAction.PAUSE: gettext_lazy("The channel has been paused."),
    ChannelAction.RESUME: gettext_lazy("The channel is active again."),
    ChannelAction.START_CLOSURE: gettext_lazy("The channel is being closed."),
    ChannelAction.CLOSE: gettext_lazy("The channel has been closed."),
}

BLOCKED_MESSAGES = {
    ChannelAction.ACTIVATE: gettext_lazy("The channel cannot be activated yet: %(reasons)s"),
    ChannelAction.CLOSE: gettext_lazy("The channel cannot be closed yet: %(reasons)s"),
}

# The status buttons a manager sees; closing starts only through a closure request.
BUTTON_ACTIONS = [ChannelAction.ACTIVATE, ChannelAction.PAUSE, ChannelAction.RESUME, ChannelAction.CLOSE]

# Changes that cannot be undone in the app, or take the channel out of use: asked first.
CONFIRM_QUESTIONS = {
    ChannelAction.PAUSE: gettext_lazy("Pause the channel? It leaves the public register until it is resumed."),
    ChannelAction.CLOSE: gettext_lazy("Close the channel for good? This cannot be undone."),
}


MISSING = object()

# --- Parts of the channel's page -------------------------------------------------------------------


def gap_ranges(days) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive gap days as (first, last) pairs: Mon, Tue, Thu → (Mon, Tue), (Thu, Thu)."""
    ranges: list[list[datetime.date]] = []
    for day in days:
        if ranges and (day - ranges[-1][1]).days == 1:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [(first, last) for first, last in ranges]


def outlook_rows(channel: Channel, today: datetime.date) -> list[dict]:
    """The next 12 ISO weeks of the roster, with each week's dates and its gaps as ranges."""
    return [
        {
            "week": week,
            "sunday": week.monday + datetime.timedelta(days=6),
            "gaps": gap_ranges(week.gap_days),
            "unassigned": week.primary is None and week.backup is None,
        }
        for week in roster_outlook(channel, today)
    ]


def inventory_state(channel: Channel, today: datetime.date, last=MISSING) -> dict:
    """The last confirmation (read here unless given, None for none), when the next is due and
    whether it is overdue."""
    if last is MISSING:
        last = channel.inventories.select_related("confirmed_by").order_by("-confirmed_at", "-pk").first()
    # inventory_due reads the last confirmation itself when given None; when there is none the
    # answer counts from the activation, so pass that and spare the second query.
    due = inventory_due(channel, last.confirmed_at if last else channel.activated_at)
    # What the channel states, as the last confirmation answered it, item by item.
    stated = [(item.label, getattr(last, field)) for item, field in INFORMATION_ITEMS.items()] if last else []
    return {"last": last, "due": due, "overdue": inventory_overdue(due, today), "stated": stated}


def rhythm_cell(check: RhythmCheck) -> dict:
    """One period of the update-rhythm strip: its name ("v. 47", "november 2026"), in machine
    form for <time>, the count against the requirement, and the result in words, so that the
    colour is never the only sign (WCAG 1.4.1)."""
    if check.period == FrequencyPeriod.WEEK:
        year, week, _weekday = check.starts_on.isocalendar()
        period, machine = _("w. %(week)d") % {"week": week}, f"{year}-W{week:02d}"
    else:
        period, machine = date_format(check.starts_on, "F Y"), check.starts_on.strftime("%Y-%m")
    if check.met:
        result = _("met")
    elif check.missed_in_row > 1:
        result = _("missed, %(count)d in a row") % {"count": check.missed_in_row}
    else:
        result = _("missed")
    return {"check": check, "period": period, "datetime": machine, "result": result}


def accessibility_shares(summary) -> list[str]:
    """How many of the screenshot records of the last two years checked the alt texts and the
    captions (DOS-lagen), each of those that asked (records from before the question hold none)."""
    yes, asked = summary.accessibility["alt_texts_checked"]
    captions_yes, captions_asked = summary.accessibility["captions_checked"]
    if not asked and not captions_asked:
        return [_("No screenshot record of the last two years says whether accessibility was checked.")]
    return [
        ngettext(
            "Alt texts checked in %(yes)d of %(count)d screenshot record of the last two years.",
            "Alt texts checked in %(yes)d of %(count)d screenshot records of the last two years.",
            asked,
        )
        % {"yes": yes, "count": asked},
        ngettext(
            "Captions checked in %(yes)d of %(count)d screenshot record of the last two years.",
            "Captions checked in %(yes)d of %(count)d screenshot records of the last two years.",
            captions_asked,
        )
        % {"yes": captions_yes, "count": captions_asked},
    ]


def upkeep_context(user, channel: Channel, summary) -> dict:
    """The scheduled-work parts of the channel's page (the rhythm the plan in force requires
    comes from the plans, through the hooks): the last checked period, when the latest update
    was published, the feed's state, and how many screenshot records and removal entries there
    are. No query: all came with the channel (queries.with_page_summary, and the feed state
    joined). The strip of checked periods and the updates are on the update log's page, the
    screenshot duties and records and the removal log on pages of their own."""
    feed = getattr(channel, "feed_state", None)
    check = summary.last_rhythm_check
    return {
        "last_rhythm": rhythm_cell(check) if check else None,
        "summary": summary,
        "accessibility_shares": accessibility_shares(summary),
        "feed": feed,
        # The reader has not yet read the address now set: its state is of the old one.
        "feed_is_stale": feed is not None and feed.url != channel.feed_url,
        "can_log_update": rules.can_log_update(user, channel),
        "can_set_feed_url": rules.can_set_feed_url(user, channel),
    }


def chosen_next_week(today: datetime.date) -> tuple[int, int]:
    year, week, _weekday = (today + datetime.timedelta(weeks=1)).isocalendar()
    return year, week


# --- The list and the page ----------------------------------------------------------------------


@login_required
@require_safe
def channel_list(request):
    user = request.user
    units = Unit.objects.order_by("name") if is_overseer(user) else readable_units(user).order_by("name")
    form = ChannelFilterForm(request.GET or None, units=units)
    channels = channels_visible_to(user).order_by("name", "pk")
    # Each valid filter applies on its own: an unknown unit in an old link must not drop the search.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("q"):
        query = data["q"]
        channels = channels.filter(
            Q(name__icontains=query) | Q(url__icontains=query) | Q(owner__full_name__icontains=query)
        )
    if data.get("unit"):
        channels = channels.filter(unit_id__in=unit_and_descendant_ids(data["unit"]))
    if data.get("status"):
        channels = channels.filter(status=data["status"])
    if data.get("platform"):
        channels = channels.filter(platform=data["platform"])
    page = Paginator(channels, PAGE_SIZE).get_page(request.GET.get("sida"))
    query_string = request.GET.copy()
    query_string.pop("sida", None)
    return render(request, "channels/list.html", {"form": form, "page": page, "query_string": query_string.urlencode()})


def story_link(user, channel) -> list[tuple[str, str]]:
    """The channel's decision history, for those who read the audit log (no query: roles are read)."""
    if not can_read_audit(user):
        return []
    return [(_("Decision history"), reverse("channel_register:story", args=[channel.pk]))]


@login_required
@require_safe
def channel_detail(request, pk):
    return render(request, "channels/detail.html", detail_context(request, page_channel(request, pk)))


def page_channel(request, pk) -> Channel:
    """The channel as its page reads it: with its summaries (queries.with_page_summary) and what
    the apps above read with it (hooks.page_query), in the one query that checks the user may
    see it."""
    return get_visible_channel(request, pk, refine=lambda channels: hooks.page_query(with_page_summary(channels)))


def detail_context(request, channel: Channel) -> dict:
    """Everything on the channel's page (its plans and closure requests come from the plans
    app, and the sections of the apps above from them, through the hooks), in a number of
    queries that does not grow with the number of plans, agreements, roster weeks, screenshots,
    removals, closure requests, updates, rhythm checks, screenshot duties, measurements or
    evaluations."""
    if not hasattr(channel, "page_update_count"):
        # A form's answer (a failed status change or tick) read the channel without them.
        channel = page_channel(request, channel.pk)
    user = request.user
    today = timezone.localdate()
    summary = page_summary(channel)
    # The other people once, for the page and for the rules below that ask whether the viewer
    # is one of them (rules.is_channel_person): a query each otherwise.
    prefetch_related_objects([channel], "others")
    can_manage = rules.can_manage_channel(user, channel)

    from_plans = hooks.plans().channel_page(request, channel)
    # Sections of the apps above (where the channel stands in the SMILEY cycle, from metrics).
    from_above = hooks.page_sections(request, channel)

    agreements = list(channel.agreements.select_related("owner", "chef"))
    for agreement in agreements:
        agreement.can_confirm = (user.pk == agreement.owner_id and not agreement.owner_confirmed_at) or (
            user.pk == agreement.chef_id and not agreement.chef_confirmed_at
        )

    checklist = [{"item": item, "tick": summary.ticks.get(item.value)} for item in ChecklistItem]
    # Before go-live the checklist also shows the supervision conditions of the activation.
    supervision = domain.supervision_conditions(channel, today) if channel.status == ChannelStatus.PLANERAD else []

    status_actions = []
    for (status, action), _target in CHANNEL_TRANSITIONS.items():
        if status != channel.status or action not in BUTTON_ACTIONS:
            continue
        blockers = (
            domain.activation_blockers(channel, supervision)
            if action == ChannelAction.ACTIVATE
            else domain.closing_blockers(channel)
            if action == ChannelAction.CLOSE
            else []
        )
        status_actions.append({"action": action, "blockers": blockers, "confirm": CONFIRM_QUESTIONS.get(action, "")})

    return {
        "channel": channel,
        "others": list(channel.others.all()),
        "agreements": agreements,
        "checklist": checklist,
        "checklist_open": channel.status == ChannelStatus.PLANERAD,
        "supervision": supervision,
        "status_actions": status_actions,
        "roster": outlook_rows(channel, today),
        "inventory": inventory_state(channel, today, last=summary.last_inventory),
        "can_manage": can_manage,
        "can_appoint": rules.can_appoint(user, channel),
        "can_edit_roster": rules.can_edit_roster(user, channel),
        "can_confirm_inventory": rules.can_confirm_inventory(user, channel)
        and channel.status in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD),
        "can_record_screenshot": rules.can_record_screenshot(user, channel),
        "can_log_removal": rules.can_log_removal(user, channel),
        "today": today,
        # Pages of the apps above about this channel (the measuring page): hooks.page_links.
        "page_links": hooks.page_links(request, channel) + story_link(user, channel),
        **upkeep_context(user, channel, summary),
        **from_plans,
        **from_above,
        # Both give sections: the page includes each by its name.
        "page_sections": {**from_plans.get("page_sections", {}), **from_above["page_sections"]},
    }


# --- Status and checklist -----------------------------------------------------------------------


@login_required
@require_POST
def channel_status(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_manage_channel(request.user, channel):
        raise PermissionDenied(_("Only the unit's manager or the communications officer can do this."))
    form = ChannelStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete, so nothing was changed. Try again."))
        return render(request, "channels/detail.html", detail_context(request, channel), status=400)
    action = ChannelAction(form.cleaned_data["action"])
    try:
        domain.channel_transition(
            channel.pk, action, actor=request.user, expected_revision=form.cleaned_data["revision"]
        )
    except Conflict as exc:
        return conflict_response(request, message=str(exc), back_url=channel.get_absolute_url(), channel=channel)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except Incomplete as exc:
        reasons = " ".join(message for msgs in exc.errors.values() for message in msgs)
        template = BLOCKED_MESSAGES.get(action) or _("The channel's status was not changed: %(reasons)s")
        messages.error(request, template % {"reasons": reasons})
        return redirect(channel.get_absolute_url() + "#status-heading")
    messages.success(request, STATUS_MESSAGES[action])
    return redirect(channel)


@login_required
@require_POST
def checklist(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_manage_channel(request.user, channel):
        raise PermissionDenied(_("Only the unit's manager or the communications officer can do this."))
    form = ChecklistForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete, so nothing was changed. Try again."))
        return render(request, "channels/detail.html", detail_context(request, channel), status=400)
    item = ChecklistItem(form.cleaned_data["item"])
    ticked = form.cleaned_data["ticked"]
    try:
        domain.set_checklist_item(channel.pk, item, actor=request.user, ticked=ticked)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    if ticked:
        messages.success(request, _("Ticked: %(item)s") % {"item": item.label})
    else:
        messages.success(request, _("No longer ticked: %(item)s") % {"item": item.label})
    return redirect(channel.get_absolute_url() + "#checklist-heading")
