"""The administrator's export of everything stored about one person, as an action of the Django
admin's list of people: the accounts app's User admin, extended here (audit sits above accounts)
and registered in its place."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User

from . import domain, personal_data, rules


class PersonalDataUserAdmin(UserAdmin):
    actions = [*(UserAdmin.actions or []), "export_personal_data"]

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
