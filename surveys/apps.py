from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")
    # The header's navigation entry; shown greyed out until the URL exists.
    nav_label = _("Surveys")
    nav_url_name = "surveys:survey_list"
    nav_order = 40

    def ready(self) -> None:
        from committee import audit
        from surveys import models

        for model in (models.Survey, models.Question, models.Choice):
            audit.track(model)
