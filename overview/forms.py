"""The overview's filters: each valid one applies on its own (an unknown unit in an old link must
not drop the search)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from channel_register.enums import ChannelStatus, Platform

from .queries import SEARCH_MAX_LENGTH, Filters

SORT_CHOICES = [("worst", _("Worst first")), ("name", _("Name")), ("unit", _("Unit"))]


class OverviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    platform = forms.ChoiceField(label=_("Platform"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    problems = forms.BooleanField(label=_("Only problems"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *((unit.pk, unit.name) for unit in units)]
        self.fields["platform"].choices = [("", _("All platforms")), *Platform.choices]
        self.fields["status"].choices = [("", _("All but closed")), *ChannelStatus.choices]

    def filters(self) -> Filters:
        """What was chosen, each field that is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filters(
            unit=data.get("unit"),
            platform=data.get("platform") or "",
            status=data.get("status") or "",
            problems_only=bool(data.get("problems")),
            search=(data.get("q") or "").strip(),
            sort=data.get("sort") or "worst",
        )
