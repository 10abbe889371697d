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
        from committee import audit
        from tasks import (
            importers,  # noqa: F401 -- a job worker finds their importers
            models,
            removal,
        )

        audit.track(models.CatalogueItem)
        audit.track(models.Task, restorable=True, check=removal.check_restored)
        audit.on_restore(models.Task, after=removal.note_restored)
        audit.track(models.TimeEntry, restorable=True)
