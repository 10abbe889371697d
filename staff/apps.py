from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")
    # The header's navigation entry; shown greyed out until the URL exists.
    nav_label = _("Staff")
    nav_url_name = "staff:staff_list"
    nav_order = 30

    def ready(self) -> None:
        from committee import audit
        from staff import (
            importers,  # noqa: F401 -- a job worker finds their importers
            models,
            services,
        )

        personal = ("national_id", "phone")
        audit.track(models.StaffMember, mask=personal)
        audit.track(models.PayRecord, restorable=True)
        audit.on_restore(models.PayRecord, after=services.note_restored)
        for model in (models.PayScale, models.PayGrade, models.InsuranceRates):
            audit.track(model)
        audit.track(models.WageBenchmark)
