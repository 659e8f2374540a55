"""Issue 19: what the channel must state (BBS-lagen 3 §, E-delegationen point 6) asked item by
item: the go-live checklist's single "information" item becomes five (who runs the channel,
its purpose, that posts become public records, what content is removed, where to reach the
administration for errands), and so do the inventory confirmation's answers.

The old ticks:
- of a channel still planerad: removed. It has not gone live, so it must tick the five under
  the new rule before it can.
- of a channel past go-live (aktiv, pausad, avvecklas, avslutad): turned into the five, with
  the same person and time. Those channels went live under the old rule, which asked the same
  things as one item; refusing them now would change nothing on the channel, and the
  half-yearly inventory asks the five again.
The history table of the ticks gets no rows for this conversion (a migration does not run
simple-history's signals); this docstring is its record.

Every inventory confirmation stored keeps the one answer it gave: copied into all five.
"""

from django.db import migrations, models

OLD_ITEM = "information"
NEW_ITEMS = ("driver", "syfte", "handlingar", "borttagning", "kontakt")
FIELDS = ("states_who_runs_it", "states_purpose", "states_public_records", "states_what_is_removed", "states_contact")
PLANNED = "planerad"

ITEM_CHOICES = [
    ("lankad", "The channel is linked from the official website"),
    ("driver", "The channel states who runs it"),
    ("syfte", "The channel states its purpose"),
    ("handlingar", "The channel states that posts become public records"),
    ("borttagning", "The channel states what content is removed"),
    ("kontakt", "The channel states where to reach the administration for errands"),
    ("konton", "The admin accounts are documented in the unit's safe place (never passwords in this app)"),
]


def split_information(apps, schema_editor):
    split_ticks(apps, schema_editor)
    copy_answers(apps, schema_editor)


def split_ticks(apps, schema_editor):
    db = schema_editor.connection.alias
    ChecklistTick = apps.get_model("channel_register", "ChecklistTick")
    old = ChecklistTick.objects.using(db).filter(item=OLD_ITEM)
    old.filter(channel__status=PLANNED).delete()
    # Row by row (a few per live channel): a bulk insert would go around the field-level
    # history when run with the live models (the migration's test does).
    for tick in list(old.order_by("pk")):
        for item in NEW_ITEMS:
            ChecklistTick.objects.using(db).get_or_create(
                channel_id=tick.channel_id,
                item=item,
                defaults={"ticked_by_id": tick.ticked_by_id, "ticked_at": tick.ticked_at},
            )
    old.delete()


def copy_answers(apps, schema_editor):
    db = schema_editor.connection.alias
    InventoryConfirmation = apps.get_model("channel_register", "InventoryConfirmation")
    for answer in (True, False):
        InventoryConfirmation.objects.using(db).filter(information_correct=answer).update(
            **dict.fromkeys(FIELDS, answer)
        )


def join_information(apps, schema_editor):
    """Back: a channel with all five ticked has the one item ticked; a confirmation's one answer
    is yes only when all five were."""
    db = schema_editor.connection.alias
    ChecklistTick = apps.get_model("channel_register", "ChecklistTick")
    InventoryConfirmation = apps.get_model("channel_register", "InventoryConfirmation")
    ticks = ChecklistTick.objects.using(db).filter(item__in=NEW_ITEMS)
    by_channel = {}
    for tick in ticks.order_by("pk"):
        by_channel.setdefault(tick.channel_id, []).append(tick)
    for channel_id, rows in by_channel.items():
        if len(rows) == len(NEW_ITEMS):
            ChecklistTick.objects.using(db).create(
                channel_id=channel_id, item=OLD_ITEM, ticked_by_id=rows[0].ticked_by_id, ticked_at=rows[0].ticked_at
            )
    ticks.delete()
    all_yes = models.Q(**dict.fromkeys(FIELDS, True))
    InventoryConfirmation.objects.using(db).filter(all_yes).update(information_correct=True)
    InventoryConfirmation.objects.using(db).exclude(all_yes).update(information_correct=False)


class Migration(migrations.Migration):
    dependencies = [
        ("channel_register", "0006_records_reference_and_case_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checklisttick",
            name="item",
            field=models.CharField(choices=ITEM_CHOICES, max_length=20, verbose_name="item"),
        ),
        migrations.AlterField(
            model_name="historicalchecklisttick",
            name="item",
            field=models.CharField(choices=ITEM_CHOICES, max_length=20, verbose_name="item"),
        ),
        *(
            migrations.AddField(
                model_name="inventoryconfirmation",
                name=name,
                field=models.BooleanField(default=False, verbose_name=label),
                preserve_default=False,
            )
            for name, label in zip(FIELDS, [label for value, label in ITEM_CHOICES if value in NEW_ITEMS], strict=True)
        ),
        # information_correct is nullable for the way back, removed after the copy.
        migrations.AlterField(
            model_name="inventoryconfirmation",
            name="information_correct",
            field=models.BooleanField(null=True, verbose_name="the information on the channel is correct"),
        ),
        migrations.RunPython(split_information, join_information),
        migrations.RemoveField(model_name="inventoryconfirmation", name="information_correct"),
    ]
