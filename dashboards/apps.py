from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")
    # The header's navigation entry; shown greyed out until the URL exists.
    nav_label = _("Dashboards")
    nav_url_name = "dashboards:index"
    nav_order = 50

    def ready(self):
        from committee import audit
        from dashboards.models import Threshold

        audit.track(Threshold)
        from committee import rollups as hook
        from dashboards import (
            certificate_panels,
            figure_cache,
            jobs,  # noqa: F401 -- registers the report job kinds
            paperwork_panels,
            report_changes,
            revisions,
            rollup_metrics,
            rollups,
        )

        rollups.install()
        revisions.install()
        from committee.beats import on_beat
        from dashboards import refresh

        on_beat(refresh.daily)
        rollup_metrics.install()
        hook.register_keeper(figure_cache.value)
        report_changes.install()
        post_migrate.connect(rollups.fill_after_migrate, sender=self)

        certificate_panels.register()
        paperwork_panels.register()
