"""Django's own messages that the Swedish catalogue words better.

Marked here, and used nowhere, so that `make messages` (makemessages) keeps them in
`locale/sv`: the project's catalogue comes before Django's, and a message it no longer finds in
the code would be made obsolete and Django's own wording would return unnoticed."""

from django.utils.translation import ngettext_lazy

OVERRIDDEN = [
    # django.core.validators.MaxLengthValidator: "Säkerställ att detta värde har som mest …"
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
]
