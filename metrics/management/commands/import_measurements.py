from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from kob_social.errors import Incomplete, NotAllowed
from metrics.domain import imports
from metrics.models import ImportStatus, MeasurementImport


class Command(BaseCommand):
    help = (
        "Import a file of measurements for a channel, by the rules of the import page: the file is checked "
        "and previewed first, and saved all at once only with --save. The import is recorded in the name "
        "of --user, who must be allowed to measure the channel."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--channel", type=int, required=True, help="The channel's id.")
        parser.add_argument("--user", required=True, help="The username the import is recorded in the name of.")
        parser.add_argument("--save", action="store_true", help="Save the values if the file passes the check.")

    def handle(self, *args, file: Path, channel: int, user: str, save: bool, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            with file.open("rb") as stream:
                batch = imports.start_import(channel, actor=actor, upload=File(stream, name=file.name), queued=False)
        except (Incomplete, NotAllowed) as exc:
            raise CommandError(_message(exc)) from exc
        imports.check_import(batch.pk)
        batch = MeasurementImport.objects.get(pk=batch.pk)
        self.stdout.write(
            f"Import {batch.pk} ({batch.file_format}): {batch.rows} rows; {batch.created} new, "
            f"{batch.changed} corrected, {batch.unchanged} already there."
        )
        if batch.status == ImportStatus.REFUSED:
            for line, message in batch.errors:
                self.stdout.write(f"line {line}: {message}")
            raise CommandError(f"{batch.error_count} rows refused; nothing was saved.")
        for measurement, value in imports.corrections(batch):
            self.stdout.write(
                f"corrects {measurement.get_metric_display()} {measurement.on}: {measurement.value} → {value}"
            )
        if not save:
            imports.cancel_import(batch.pk, actor=actor)
            self.stdout.write("Checked only; nothing was saved (give --save to save).")
            return
        imports.confirm_import(batch.pk, actor=actor, expected_revision=batch.revision, queued=False)
        imports.save_import(batch.pk)
        batch = MeasurementImport.objects.get(pk=batch.pk)
        if batch.status != ImportStatus.DONE:
            raise CommandError(f"Not saved: {batch.errors}")
        self.stdout.write(f"Saved: {batch.created} new, {batch.changed} corrected.")


def _message(exc) -> str:
    if isinstance(exc, Incomplete):
        return " ".join(str(message) for messages in exc.errors.values() for message in messages)
    return str(exc)
