"""Keep the unit read permissions in step with the organisation, however it is edited."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .domain import sync_unit_access
from .models import Unit, User


@receiver(post_save, sender=User)
def user_saved(sender, instance: User, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not {"unit", "unit_id", "is_active"} & set(update_fields):
        return  # e.g. last_login on every sign-in: nothing about access changed
    sync_unit_access(instance)


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
