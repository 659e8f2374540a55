from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import domain, kinds
from .forms import PreferencesForm
from .models import NotificationPreference
from .queries import notifications_for


@login_required
@require_safe
def notification_list(request):
    page = Paginator(notifications_for(request.user), 50).get_page(request.GET.get("sida"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def open_notification(request, pk):
    """One notice of mine. A POST marks it read and follows its link; a GET changes nothing
    and shows the notice with that button, for an address opened from a bookmark or the
    browser's history (a GET from another site, a prefetch or a crawler must not mark it read).
    Another person's notice does not exist for me (404)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
    if request.method != "POST":
        return render(request, "notifications/open.html", {"notification": notification, "target": target})
    domain.mark_read(request.user, [notification.pk])
    return redirect(target or "notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = domain.mark_read(request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """How each kind of notice reaches me: e-mail at once, a daily digest, or only here. The kinds
    that always mail (escalations to a manager) are listed, not chosen."""
    user = request.user
    current = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    every_kind = kinds.kinds()
    form = PreferencesForm(request.POST or None, kinds=every_kind, current=current)
    if request.method == "POST" and form.is_valid():
        domain.set_preferences(user, form.choices())
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    always = [kind for kind in every_kind if kind.always_mail]
    return render(request, "notifications/preferences.html", {"form": form, "always": always})
