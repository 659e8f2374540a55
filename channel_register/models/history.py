"""django-simple-history for models that moved here from the `plans` app, keeping their tables;
their history rows carry the client address like every other (kob_social.history)."""

from simple_history.models import HistoricalRecords

from kob_social.history import AddressedHistoricalRecord

LEGACY_APP_LABEL = "plans"


class KeptTableHistory(HistoricalRecords):
    """HistoricalRecords whose history table, and the history table of each tracked
    many-to-many field, keep the names they were created with in the `plans` app
    (`plans_historicalchannel`, `plans_historicalchannel_others`), so that moving the models
    between apps copied no rows. simple-history takes a `table_name` for the history model but
    none for its m2m history models, hence the override."""

    def __init__(self, *args, **kwargs):
        # Every history row carries the client address (kob_social.history).
        kwargs.setdefault("bases", [AddressedHistoricalRecord])
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name):
        self.table_name = f"{LEGACY_APP_LABEL}_historical{cls._meta.model_name}"
        super().contribute_to_class(cls, name)

    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        options["db_table"] = f"{LEGACY_APP_LABEL}_{self.get_history_model_name(through_model).lower()}"
        return options
