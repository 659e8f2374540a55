"""The admin of a model with field-level history: its history pages show, never change.

simple-history's history form view saves a POSTed form (a "revert") whatever its settings say;
SIMPLE_HISTORY_REVERT_DISABLED only hides the button. Here the view answers a POST with 403,
so that neither a forged form nor an old page can rewrite a governed object through its
history. The object's own change page stays what its admin makes it. Imports no app."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True
