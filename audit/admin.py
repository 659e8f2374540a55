"""The administrator's export of everything stored about one person, as an action of the Django
admin's list of people: the accounts app's User admin, extended here (audit sits above accounts)
and registered in its place."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User

from . import domain, leaving, personal_data, rules


class EndingUserChangeForm(UserAdmin.form):
    """Deactivating someone here runs the leaving page's check: whoever still holds something
    that must be handed over is sent there (leaving.end_person) instead."""

    def clean_is_active(self):
        active = self.cleaned_data["is_active"]
        if self.instance.pk and self.instance.is_active and not active:
            held = leaving.holdings_of(self.instance).required
            if held:
                raise ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(name)s still holds something that must be handed over first.")
                        % {"name": self.instance.get_full_name()},
                        reverse("audit:end_person", args=[self.instance.pk]),
                        _("End the account on its own page"),
                    )
                )
        return active


class PersonalDataUserAdmin(UserAdmin):
    """The accounts app's User admin with the personal-data export, the check before a person is
    deactivated, and the way to the page that ends an account."""

    form = EndingUserChangeForm
    actions = [*(UserAdmin.actions or []), "export_personal_data"]
    readonly_fields = (*UserAdmin.readonly_fields, "end_account")
    fieldsets = tuple(
        (name, {**options, "fields": (*options["fields"], "end_account")})
        if "is_active" in options["fields"]
        else (name, options)
        for name, options in UserAdmin.fieldsets
    )

    @admin.display(description=_("End the account"))
    def end_account(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("audit:end_person", args=[obj.pk]),
            _("Hand over what the person holds and end the account"),
        )

    def has_personal_data_permission(self, request) -> bool:
        return rules.can_manage_personal_data(request.user)

    @admin.action(description=_("Export personal data (JSON)"), permissions=["personal_data"])
    def export_personal_data(self, request, queryset):
        # The admin offers the action only with the permission above; a forged POST is refused here too.
        if not self.has_personal_data_permission(request):
            raise PermissionDenied
        people = list(queryset[:2])
        if len(people) != 1:
            self.message_user(request, _("Choose exactly one person to export."), level=messages.WARNING)
            return None
        person = people[0]
        body = json.dumps(personal_data.export(person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        domain.record("personal_data.exported", about=person)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="personuppgifter-{person.username}.json"'
        return response


admin.site.unregister(User)
admin.site.register(User, PersonalDataUserAdmin)
