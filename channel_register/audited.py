"""What this app tells the audit log (the `audit` app, below it): its registered actions and
which subject the `pk` of its views names, for refused requests. Called from apps.ready."""

from django.utils.translation import gettext_lazy as _

from audit.enums import Kind
from audit.registry import register, register_view_subjects

from . import personal_data
from .enums import ChannelAction

# What a transition of the channel's life did.
DONE = {
    ChannelAction.ACTIVATE: _("Channel activated"),
    ChannelAction.PAUSE: _("Channel paused"),
    ChannelAction.RESUME: _("Channel resumed"),
    ChannelAction.START_CLOSURE: _("Closing of the channel started"),
    ChannelAction.CLOSE: _("Channel closed"),
    ChannelAction.ARCHIVE: _("Channel closed without being started"),
}


def transition_event(action: ChannelAction) -> str:
    """The audit action of a transition of the channel's life: `channel_register.channel.aktivera`."""
    return f"channel_register.channel.{ChannelAction(action).value}"


def register_with_audit() -> None:
    for action, done in DONE.items():
        register(transition_event(action), done, Kind.DECISION)
    register("channel_register.inventory.confirmed", _("Inventory confirmed"), Kind.CHANGE)
    register("channel_register.screenshot.recorded", _("Screenshots recorded"), Kind.CHANGE)
    register("channel_register.removal.logged", _("Removal logged"), Kind.CHANGE)
    register("channel_register.update.logged", _("Update logged by hand"), Kind.CHANGE)
    register("channel_register.update.deleted", _("Update logged by hand deleted"), Kind.CHANGE)
    register("channel_register.upload.downloaded", _("Uploaded file downloaded"), Kind.READ)
    register_view_subjects(
        {
            "channel_register:*": "channel",
            "channel_register:agreement_confirm": "",
            "channel_register:download": "",
            "channel_register:update_delete": "",
        }
    )
    personal_data.register()
