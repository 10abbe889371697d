from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    # The header's navigation entry; shown greyed out until the URL exists.
    nav_label = _("Certificates")
    nav_url_name = "certificates:request_list"
    nav_order = 15

    def ready(self) -> None:
        from certificates import models
        from committee import audit

        audit.track(models.CertificateRequest, mask=("national_id",))
        audit.track(models.CertificateType)
