"""The person's choice, per kind of notice, of how it reaches them (domain.set_preferences)."""

from django import forms

from .enums import NoticeDelivery


class PreferencesForm(forms.Form):
    """One choice per kind that the person may choose for (kinds.kinds(), less those that always
    mail), named by the kind."""

    def __init__(self, *args, kinds, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            if kind.always_mail:
                continue
            # Not required: a kind left out of the form (one registered since the page was opened)
            # keeps its choice.
            self.fields[kind.name] = forms.ChoiceField(
                label=kind.label,
                choices=NoticeDelivery.choices,
                initial=current.get(kind.name, NoticeDelivery.IMMEDIATE),
                required=False,
            )

    def choices(self) -> dict[str, str]:
        """{kind: delivery} of the kinds answered, after is_valid()."""
        return {kind: delivery for kind, delivery in self.cleaned_data.items() if delivery}
