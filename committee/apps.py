from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Hierarchy and access")

    def ready(self):
        from committee import (
            audit,
            export_jobs,  # noqa: F401 -- registers the export job kind
            import_views,  # noqa: F401 -- registers the import job kind
            models,
            sessions,  # noqa: F401 -- connects the login signal
        )

        audit.track(models.Community)
        audit.track(models.Membership)
