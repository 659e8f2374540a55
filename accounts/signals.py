"""React to changes of people and the organisation, however they are edited (admin, pages, demo,
shell): keep the unit read permissions in step, and end a person's sessions when their access
changes."""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.core.signals import setting_changed
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import records
from .domain import sync_unit_access
from .models import RecordsFormat, Unit, User

# What a person may do depends on these columns and on their groups (the roles) and direct
# permissions; a change to any of them ends the person's sessions.
ACCESS_COLUMNS = ("unit_id", "is_active", "is_staff", "is_superuser")
UNIT_ACCESS_FIELDS = {"unit", "unit_id", "is_active"}

# The session key holding the time of sign-in (seconds since the epoch); accounts.middleware
# ends the session SESSION_ABSOLUTE_SECONDS after it, however active the person is.
SIGNED_IN_AT = "kob_signed_in_at"
# The session key holding when the session's idle expiry was last pushed forward by a save
# (seconds since the epoch); accounts.middleware.IdleSessionMiddleware saves it again when that
# is SESSION_REFRESH_SECONDS ago.
REFRESHED_AT = "kob_refreshed_at"


def end_sessions(user_ids) -> None:
    """End every session of these people at its next request.

    session_epoch is part of each session's authentication hash (User._get_session_auth_hash),
    so raising it makes django.contrib.auth.get_user flush every session signed in before. The
    UPDATE adds one in the database, so two changes at the same moment both count, and nothing
    ever lowers the number again (User.save keeps it out of ordinary saves). Re-activating a
    person therefore never revives an old session.
    """
    ids = [pk for pk in user_ids if pk is not None]
    if ids:
        User.objects.filter(pk__in=ids).update(session_epoch=F("session_epoch") + 1)


def _forget_epoch(user: User) -> None:
    """Our copy's session_epoch is now out of date: let it be read again when next needed
    (a deferred field), so that logging this very object in binds the session to the new one."""
    user.__dict__.pop("session_epoch", None)


@receiver(pre_save, sender=User)
def remember_previous_access(sender, instance: User, raw=False, update_fields=None, **kwargs):
    instance._access_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {"unit", *ACCESS_COLUMNS} & set(update_fields):
        return  # e.g. last_login on every sign-in: nothing about access can change
    instance._access_before = User.objects.filter(pk=instance.pk).values_list(*ACCESS_COLUMNS).first()


@receiver(post_save, sender=User)
def user_saved(sender, instance: User, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    before = instance.__dict__.pop("_access_before", None)
    if before is not None and before != tuple(getattr(instance, column) for column in ACCESS_COLUMNS):
        end_sessions([instance.pk])
        _forget_epoch(instance)
    if update_fields is not None and not UNIT_ACCESS_FIELDS & set(update_fields):
        return
    sync_unit_access(instance)


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A role (group) or a direct permission given or taken, from the person's side
    (`user.groups.…`) or the group's (`group.user_set.…`): the person's sessions end."""
    if reverse and action == "pre_clear":
        instance._users_before_clear = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return  # nothing was added or removed (e.g. adding a role already held)
    if not reverse:
        end_sessions([instance.pk])
        _forget_epoch(instance)
        instance.__dict__.pop("role_names", None)
    elif action == "post_clear":
        end_sessions(instance.__dict__.pop("_users_before_clear", []))
    else:
        end_sessions(pk_set)


@receiver(pre_delete, sender=Group)
def role_deleted(sender, instance: Group, **kwargs):
    # Deleting a group removes its members' rows without any m2m_changed signal.
    end_sessions(list(instance.user_set.values_list("pk", flat=True)))


@receiver(user_logged_in)
def remember_sign_in_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session[SIGNED_IN_AT] = now
        # Signing in saves the session: its idle expiry starts now.
        request.session[REFRESHED_AT] = now


@receiver(pre_save, sender=Unit)
def remember_previous_chef(sender, instance: Unit, raw=False, **kwargs):
    instance._previous_chef_id = (
        Unit.objects.filter(pk=instance.pk).values_list("chef_id", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Unit)
def unit_saved(sender, instance: Unit, raw=False, **kwargs):
    if raw:
        return
    for chef_id in {instance.chef_id, getattr(instance, "_previous_chef_id", None)} - {None}:
        sync_unit_access(User.objects.get(pk=chef_id))


@receiver(post_save, sender=RecordsFormat)
@receiver(post_delete, sender=RecordsFormat)
def forget_records_formats(sender, **kwargs):
    """The administrator changed how records references are written: every check from now on
    reads the new formats."""
    records.forget()


# The settings that hold the installation's formats (accounts.records.formats reads them).
INSTALLATION_FORMATS = {
    f"{kind}_{part}" for kind in ("CASE_NUMBER", "RECORDS_REFERENCE") for part in ("PATTERN", "EXAMPLE")
}


@receiver(setting_changed)
def forget_records_formats_of_the_installation(setting, **kwargs):
    """The installation's formats (the defaults) changed: in tests, through the settings fixture."""
    if setting in INSTALLATION_FORMATS:
        records.forget()
