from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")
    # The header's navigation entry; shown greyed out until the URL exists.
    nav_label = _("Tasks")
    nav_url_name = "tasks:task_list"
    nav_order = 10

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from committee import audit, filters
        from tasks import (
            importers,  # noqa: F401 -- a job worker finds their importers
            models,
            removal,
        )

        audit.track(models.CatalogueItem)
        # The approval queue's refusal form, drawn with the negative-list items, is kept
        # with the filter forms: a catalogue change forgets them in this process.
        for signal in (post_save, post_delete):
            signal.connect(
                filters.forget_kept,
                sender=models.CatalogueItem,
                dispatch_uid="forget_kept_CatalogueItem",
            )
        audit.track(models.Task, restorable=True, check=removal.check_restored)
        audit.on_restore(models.Task, after=removal.note_restored)
        audit.track(models.TimeEntry, restorable=True)
