from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaperworkConfig(AppConfig):
    name = "paperwork"
    verbose_name = _("Paperwork")
    # The header's navigation entry; shown greyed out until the URL exists.
    nav_label = _("Paperwork")
    nav_url_name = "paperwork:demand_list"
    nav_order = 17

    def ready(self):
        from paperwork import league

        league.register()
