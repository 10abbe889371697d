from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Hierarchy and access")

    def ready(self):
        from committee import audit, models

        audit.track(models.Community)
        audit.track(models.Membership)
        from committee import sessions  # noqa: F401 -- connects the login signal
