"""The channel register inside the app: the list, the channel's page (with what the scheduled
jobs found: the update-rhythm strip, the feed's state, the screenshot duties), and the forms
that change a channel (status, checklist, people, agreement, roster, inventory, screenshots,
removal log), plus the permission-checked file downloads. The update log and the feed address
have their views in plans.views.upkeep.

Every view reads the channel through `get_visible_channel` (another unit's channel is a 404),
checks the rule for what it does (403 when refused) and leaves the change to one domain
function (plans.domain.channels), whose errors it shows at the form's fields.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Unit
from accounts.queries import readable_units, unit_and_descendant_ids

from .. import rules
from ..channel_forms import (
    AgreementForm,
    AppointForm,
    ChannelFilterForm,
    ChannelStatusForm,
    ChecklistForm,
    InventoryForm,
    RemovalForm,
    RosterForm,
    ScreenshotForm,
)
from ..domain import channels as domain
from ..domain.errors import Conflict, Incomplete, NotAllowed
from ..enums import (
    CHANNEL_TRANSITIONS,
    EDITABLE,
    PENDING,
    ChannelAction,
    ChannelStatus,
    ChecklistItem,
    FrequencyPeriod,
    PlanStatus,
)
from ..models import Agreement, Channel, Plan, RemovalEntry, RhythmCheck, ScreenshotFile
from ..queries import (
    channels_visible_to,
    inventory_due,
    plans_visible_to,
    rhythm_results,
    roster_outlook,
    screenshot_duties_of,
)

PAGE_SIZE = 25
RHYTHM_STRIP = 8
LATEST_UPDATES = 5
GET_OR_POST = ["GET", "HEAD", "POST"]

# The unit's chef is found by walking up the tree (accounts.queries.chef_of): reading the
# chain with the channel keeps the permission checks free of further queries.
UNIT_CHAIN = ["unit__chef", "unit__parent__chef", "unit__parent__parent__chef"]

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


# --- Helpers ------------------------------------------------------------------------------------


def get_visible_channel(request, pk: int) -> Channel:
    """The channel, if the user may read it; otherwise 404 (another unit's channel does not exist)."""
    channel = (
        Channel.objects.select_related(*UNIT_CHAIN, "owner", "screenshot_responsible", "feed_state")
        .filter(pk=pk)
        .first()
    )
    if channel is None or not rules.can_view_channel(request.user, channel):
        raise Http404
    return channel


def conflict_response(request, *, message: str, back_url: str, channel: Channel | None = None):
    return render(
        request,
        "channels/conflict.html",
        {"message": message, "back_url": back_url, "channel": channel},
        status=409,
    )


def add_domain_errors(form, errors: dict[str, list[str]], *, aliases: dict[str, str] | None = None) -> None:
    """Tie the domain's messages to the form's fields (unknown keys go to the top of the form)."""
    aliases = aliases or {}
    for key, msgs in errors.items():
        field = aliases.get(key, key)
        for message in msgs:
            form.add_error(field if field in form.fields else None, message)


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


def inventory_state(channel: Channel, today: datetime.date) -> dict:
    last = channel.inventories.select_related("confirmed_by").order_by("-confirmed_at", "-pk").first()
    # inventory_due reads the last confirmation itself when given None; when there is none the
    # answer counts from the activation, so pass that and spare the second query.
    due = inventory_due(channel, last.confirmed_at if last else channel.activated_at)
    return {"last": last, "due": due, "overdue": due is not None and due < today}


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


def upkeep_context(user, channel: Channel, plan_in_force: Plan | None, today: datetime.date) -> dict:
    """The scheduled-work parts of the channel's page: the rhythm the plan in force requires,
    the last eight checked periods (oldest first, as a strip reads), the latest updates, the
    feed's state and the half-yearly screenshot duties. Three queries, whatever their sizes;
    the feed state came with the channel."""
    feed = getattr(channel, "feed_state", None)
    return {
        "required_rhythm": plan_in_force.update_frequency_display if plan_in_force else "",
        "rhythm_cells": [rhythm_cell(check) for check in reversed(rhythm_results(channel, limit=RHYTHM_STRIP))],
        "latest_updates": list(channel.updates.select_related("logged_by")[:LATEST_UPDATES]),
        "feed": feed,
        # The reader has not yet read the address now set: its state is of the old one.
        "feed_is_stale": feed is not None and feed.url != channel.feed_url,
        "duties": screenshot_duties_of(channel, today),
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
    units = Unit.objects.order_by("name") if rules.is_overseer(user) else readable_units(user).order_by("name")
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


@login_required
@require_safe
def channel_detail(request, pk):
    channel = get_visible_channel(request, pk)
    return render(request, "channels/detail.html", detail_context(request, channel))


def detail_context(request, channel: Channel) -> dict:
    """Everything on the channel's page, in a number of queries that does not grow with the
    number of plans, agreements, roster weeks, screenshots, removals, closure requests,
    updates, rhythm checks or screenshot duties."""
    user = request.user
    today = timezone.localdate()
    can_manage = rules.can_manage_channel(user, channel)

    plans = list(plans_visible_to(user).filter(channel=channel).order_by("-version_number", "-pk"))
    in_force = next((plan for plan in plans if plan.status == PlanStatus.GODKAND), None)
    for plan in plans:
        plan.kind = (
            _("In force")
            if plan is in_force
            else _("Being drafted or decided")
            if plan.status in EDITABLE | PENDING
            else _("Older version")
        )

    agreements = list(channel.agreements.select_related("owner", "chef"))
    for agreement in agreements:
        agreement.can_confirm = (user.pk == agreement.owner_id and not agreement.owner_confirmed_at) or (
            user.pk == agreement.chef_id and not agreement.chef_confirmed_at
        )

    ticks = {tick.item: tick for tick in channel.checklist.select_related("ticked_by")}
    checklist = [{"item": item, "tick": ticks.get(item.value)} for item in ChecklistItem]

    status_actions = []
    for (status, action), _target in CHANNEL_TRANSITIONS.items():
        if status != channel.status or action not in BUTTON_ACTIONS:
            continue
        blockers = (
            domain.activation_blockers(channel)
            if action == ChannelAction.ACTIVATE
            else domain.closing_blockers(channel)
            if action == ChannelAction.CLOSE
            else []
        )
        status_actions.append({"action": action, "blockers": blockers, "confirm": CONFIRM_QUESTIONS.get(action, "")})

    screenshots = list(channel.screenshots.select_related("taken_by").prefetch_related("files"))
    closures = list(channel.closures.select_related("author"))
    open_closure = next((closure for closure in closures if closure.is_editable or closure.is_pending), None)
    return {
        "channel": channel,
        "others": list(channel.others.all()),
        "plans": plans,
        "plan_in_force": in_force,
        "agreements": agreements,
        "checklist": checklist,
        "checklist_open": channel.status == ChannelStatus.PLANERAD,
        "status_actions": status_actions,
        "roster": outlook_rows(channel, today),
        "inventory": inventory_state(channel, today),
        "screenshots": screenshots,
        "removals": list(channel.removals.select_related("created_by")),
        "closures": closures,
        "open_closure": open_closure,
        "can_manage": can_manage,
        "can_appoint": rules.can_appoint(user, channel),
        "can_edit_roster": rules.can_edit_roster(user, channel),
        "can_confirm_inventory": rules.can_confirm_inventory(user, channel)
        and channel.status in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD),
        "can_record_screenshot": rules.can_record_screenshot(user, channel),
        "can_log_removal": rules.can_log_removal(user, channel),
        "can_request_closure": open_closure is None
        and channel.status in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD)
        and rules.can_request_closure(user, channel),
        "today": today,
        **upkeep_context(user, channel, in_force, today),
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


# --- People and agreements ----------------------------------------------------------------------


@login_required
@require_http_methods(GET_OR_POST)
def appoint(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_appoint(request.user, channel):
        raise PermissionDenied(_("Only the unit's manager can appoint the people of a channel."))
    current_others = list(channel.others.all())
    if request.method != "POST":
        form = AppointForm(
            channel=channel,
            current_others=current_others,
            initial={
                "owner": channel.owner_id,
                "screenshot_responsible": channel.screenshot_responsible_id,
                "others": [person.pk for person in current_others],
                "revision": channel.revision,
            },
        )
        return render(request, "channels/appoint.html", {"channel": channel, "form": form})
    form = AppointForm(request.POST, channel=channel, current_others=current_others)
    if form.is_valid():
        data = form.cleaned_data
        try:
            domain.appoint(
                channel.pk,
                actor=request.user,
                owner=data["owner"],
                screenshot_responsible=data["screenshot_responsible"],
                others=list(data["others"]),
                expected_revision=data["revision"],
            )
        except Incomplete as exc:
            add_domain_errors(form, exc.errors)
        except Conflict as exc:
            form.add_error(None, str(exc))
            return render(request, "channels/appoint.html", {"channel": channel, "form": form}, status=409)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, _("The people of the channel have been saved."))
            return redirect(channel.get_absolute_url() + "#people-heading")
    return render(request, "channels/appoint.html", {"channel": channel, "form": form})


@login_required
@require_http_methods(GET_OR_POST)
def agreement_create(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_appoint(request.user, channel):
        raise PermissionDenied(_("Only the unit's manager can make an agreement for the channel."))
    if request.method != "POST":
        form = AgreementForm(channel=channel, initial={"owner": channel.owner_id})
        return render(request, "channels/agreement_form.html", {"channel": channel, "form": form})
    form = AgreementForm(request.POST, channel=channel)
    if form.is_valid():
        try:
            domain.propose_agreement(
                channel.pk,
                actor=request.user,
                owner=form.cleaned_data["owner"],
                tasks=form.cleaned_data["tasks"],
                hours_per_week=form.cleaned_data["hours_per_week"],
            )
        except Incomplete as exc:
            add_domain_errors(form, exc.errors)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(
                request, _("The agreement has been saved and confirmed by you. The owner confirms it in turn.")
            )
            return redirect(channel.get_absolute_url() + "#agreements-heading")
    return render(request, "channels/agreement_form.html", {"channel": channel, "form": form})


@login_required
@require_POST
def agreement_confirm(request, pk):
    agreement = Agreement.objects.select_related("channel__unit").filter(pk=pk).first()
    if agreement is None or not rules.can_view_channel(request.user, agreement.channel):
        raise Http404
    try:
        domain.confirm_agreement(agreement.pk, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("You have confirmed the agreement."))
    return redirect(agreement.channel.get_absolute_url() + "#agreements-heading")


# --- Roster and inventory -----------------------------------------------------------------------


@login_required
@require_http_methods(GET_OR_POST)
def roster(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_edit_roster(request.user, channel):
        raise PermissionDenied(_("Only the channel's people, its manager and the communications officer can do this."))
    today = timezone.localdate()
    if request.method == "POST":
        form = RosterForm(request.POST, channel=channel)
        if form.is_valid():
            try:
                weeks = domain.assign_roster(
                    channel.pk,
                    actor=request.user,
                    first=form.first(),
                    last=form.last(),
                    primary=form.cleaned_data["primary"],
                    backup=form.cleaned_data["backup"],
                )
            except Incomplete as exc:
                add_domain_errors(form, exc.errors, aliases={"weeks": "last_week"})
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(
                    request,
                    _("The roster has been saved for %(count)d weeks, from week %(first)d to week %(last)d.")
                    % {"count": len(weeks), "first": form.first()[1], "last": form.last()[1]},
                )
                return redirect("channel_register:roster", pk=channel.pk)
    else:
        year, week = chosen_next_week(today)
        form = RosterForm(
            channel=channel, initial={"first_year": year, "first_week": week, "last_year": year, "last_week": week}
        )
    context = {"channel": channel, "form": form, "roster": outlook_rows(channel, today)}
    return render(request, "channels/roster.html", context)


@login_required
@require_http_methods(GET_OR_POST)
def inventory(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_confirm_inventory(request.user, channel):
        raise PermissionDenied(_("Only the channel's owner or manager can confirm the inventory."))
    if request.method == "POST":
        form = InventoryForm(request.POST)
        if form.is_valid():
            try:
                domain.confirm_inventory(channel.pk, actor=request.user, **form.cleaned_data)
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            messages.success(request, _("The inventory has been confirmed."))
            return redirect(channel.get_absolute_url() + "#inventory-heading")
    else:
        form = InventoryForm()
    context = {"channel": channel, "form": form, "inventory": inventory_state(channel, timezone.localdate())}
    return render(request, "channels/inventory.html", context)


# --- Screenshots and the removal log ------------------------------------------------------------


@login_required
@require_http_methods(GET_OR_POST)
def screenshot_create(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_record_screenshot(request.user, channel):
        raise PermissionDenied(_("Only the channel's people, its manager and the communications officer can do this."))
    if request.method == "POST":
        form = ScreenshotForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                domain.record_screenshot(
                    channel.pk,
                    actor=request.user,
                    taken_on=data["taken_on"],
                    url=data["url"],
                    uploads=request.FILES.getlist("files"),
                    diarienummer=data["diarienummer"].strip(),
                    is_final=data["is_final"],
                )
            except Incomplete as exc:
                add_domain_errors(form, exc.errors)
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, _("The screenshot record has been saved."))
                return redirect(channel.get_absolute_url() + "#screenshots-heading")
    else:
        form = ScreenshotForm(
            initial={
                "taken_on": timezone.localdate(),
                "url": channel.url,
                "is_final": channel.status == ChannelStatus.AVVECKLAS,
            }
        )
    return render(request, "channels/screenshot_form.html", {"channel": channel, "form": form})


@login_required
@require_http_methods(GET_OR_POST)
def removal_create(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_log_removal(request.user, channel):
        raise PermissionDenied(_("Only the channel's people, its manager and the communications officer can do this."))
    if request.method == "POST":
        form = RemovalForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                domain.log_removal(
                    channel.pk,
                    actor=request.user,
                    removed_on=data["removed_on"],
                    category=data["category"],
                    description=data["description"],
                    upload=request.FILES.get("evidence"),
                    police_report=data["police_report"],
                    diarienummer=data["diarienummer"],
                )
            except Incomplete as exc:
                add_domain_errors(form, exc.errors)
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, _("The removal has been logged."))
                return redirect(channel.get_absolute_url() + "#removals-heading")
    else:
        form = RemovalForm(initial={"removed_on": timezone.localdate()})
    return render(request, "channels/removal_form.html", {"channel": channel, "form": form})


@login_required
@require_safe
def download(request, kind, pk):
    """A stored screenshot or evidence file, for those who may read its channel; always as an
    attachment under its original name, never sniffed or cached by the browser."""
    if kind == "skarmdump":
        files = ScreenshotFile.objects.select_related(*(f"screenshot__channel__{path}" for path in UNIT_CHAIN))
        row = files.filter(pk=pk).first()
        channel = row.screenshot.channel if row else None
    elif kind == "bevis":
        row = RemovalEntry.objects.select_related(*(f"channel__{path}" for path in UNIT_CHAIN)).filter(pk=pk).first()
        channel = row.channel if row else None
    else:
        raise Http404
    if row is None or not rules.can_view_channel(request.user, channel):
        raise Http404
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
