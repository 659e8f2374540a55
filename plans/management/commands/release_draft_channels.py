from django.core.management.base import BaseCommand

from plans.domain.drafts import release_drafts_channel
from plans.queries import drafts_holding_a_channel


class Command(BaseCommand):
    help = (
        "Once, after upgrading to the release where a new channel enters the register at its plan's "
        "first submission: take the planned channel away from every draft that was never submitted "
        "and close it unstarted (history kept). Safe to run again; it finds nothing the second time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be closed; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        drafts = list(drafts_holding_a_channel().select_related("channel", "unit"))
        closed = 0
        for plan in drafts:
            line = f"plan {plan.pk} ({plan.unit}): channel {plan.channel_id} “{plan.channel}”"
            if dry_run:
                self.stdout.write(f"would close {line}")
            elif release_drafts_channel(plan.pk) is not None:
                closed += 1
                self.stdout.write(f"closed {line}")
        verb = "would be closed" if dry_run else "closed"
        self.stdout.write(f"Planned channels held by unsubmitted drafts: {len(drafts) if dry_run else closed} {verb}.")
