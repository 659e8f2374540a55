"""The channel's records: the supervision roster, the half-yearly inventory (and the list of
overdue ones), screenshot records and the removal log, and the permission-checked downloads of
their files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from audit import domain as audit
from kob_social.errors import errors_to_form

from .. import rules
from ..domain import channels as domain
from ..enums import ChannelStatus
from ..forms import InventoryForm, RemovalForm, RosterForm, ScreenshotForm
from ..models import RemovalEntry, ScreenshotFile
from ..queries import channels_with_inventory_due, screenshot_duties_of
from .channels import chosen_next_week, inventory_state, outlook_rows
from .common import GET_OR_POST, PAGE_SIZE, UNIT_CHAIN, get_visible_channel


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
            with errors_to_form(form, aliases={"weeks": "last_week"}):
                weeks = domain.assign_roster(
                    channel.pk,
                    actor=request.user,
                    first=form.first(),
                    last=form.last(),
                    primary=form.cleaned_data["primary"],
                    backup=form.cleaned_data["backup"],
                )
            if not form.errors:
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
            with errors_to_form(form):
                domain.confirm_inventory(channel.pk, actor=request.user, **form.cleaned_data)
            if not form.errors:
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
            with errors_to_form(form):
                domain.record_screenshot(
                    channel.pk,
                    actor=request.user,
                    taken_on=data["taken_on"],
                    url=data["url"],
                    uploads=request.FILES.getlist("files"),
                    diarienummer=data["diarienummer"].strip(),
                    is_final=data["is_final"],
                    alt_texts_checked=data["alt_texts_checked"],
                    captions_checked=data["captions_checked"],
                )
            if not form.errors:
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
            with errors_to_form(form):
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
            if not form.errors:
                messages.success(request, _("The removal has been logged."))
                return redirect(channel.get_absolute_url() + "#removals-heading")
    else:
        form = RemovalForm(initial={"removed_on": timezone.localdate()})
    return render(request, "channels/removal_form.html", {"channel": channel, "form": form})


@login_required
@require_safe
def screenshots(request, pk):
    """The channel's screenshot duties (every half year, newest first) and its screenshot
    records with their files, newest first, a page at a time."""
    channel = get_visible_channel(request, pk)
    records = channel.screenshots.select_related("taken_by").prefetch_related("files")
    context = {
        "channel": channel,
        "duties": screenshot_duties_of(channel, timezone.localdate()),
        "page": Paginator(records, PAGE_SIZE).get_page(request.GET.get("sida")),
        "can_record_screenshot": rules.can_record_screenshot(request.user, channel),
    }
    return render(request, "channels/screenshots.html", context)


@login_required
@require_safe
def removals(request, pk):
    """The channel's removal log, newest first, a page at a time."""
    channel = get_visible_channel(request, pk)
    page = Paginator(channel.removals.select_related("created_by"), PAGE_SIZE).get_page(request.GET.get("sida"))
    context = {"channel": channel, "page": page, "can_log_removal": rules.can_log_removal(request.user, channel)}
    return render(request, "channels/removals.html", context)


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
    audit.record("channel_register.upload.downloaded", about=row, channel=channel.pk, object_label=row.original_name)
    response = FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def inventory_overdue(request):
    """Visible channels whose half-yearly inventory confirmation is overdue, oldest first, a
    page at a time."""
    today = timezone.localdate()
    page = Paginator(channels_with_inventory_due(request.user, today), PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = [
        {"channel": channel, "due": channel.inventory_due, "days": (today - channel.inventory_due).days}
        for channel in page
    ]
    return render(request, "register/inventory_overdue.html", {"page": page, "rows": rows, "today": today})
