from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Funds")
    # The header's navigation entry; shown greyed out until the URL exists.
    nav_label = _("Funds")
    nav_url_name = "funds:index"
    nav_order = 20

    def ready(self) -> None:
        from committee import audit
        from funds import models, services

        for model in (models.Income, models.Expense, models.BudgetLine):
            audit.track(model, restorable=True, check=services.check_restored)
        audit.on_restore(models.Income, after=services.resync_restored)
        # A closed year locks the tasks, hours and pay in it too: none goes, none comes back.
        from staff.models import PayRecord
        from tasks.models import Task, TimeEntry

        for model in (Task, TimeEntry, PayRecord):
            audit.on_restore(model, check=services.check_year_of)
            audit.on_delete(model, services.check_year_of)
        audit.track(models.FinancialYear)
        audit.track(models.Category)
        from funds import (
            importers,  # noqa: F401 -- a job worker finds the importers
            ledger,  # noqa: F401 -- and the ledger's
            signals,  # noqa: F401 -- connects the receivers
        )
