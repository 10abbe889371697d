"""Every figure on the community, street-office and district dashboards of the database in
use, this year so far and last year, as the demo's district officer sees them.

Run in-process by the backup test for the database it backs up, and in a subprocess
against the restored one:

    manage.py shell -c "from tests.committee.dashboard_figures import main; main('2026-06-15')"
"""

import json
import re

# Numbers as the pages print them: ¥1,234.50, 37.5%, 12 …; dates and years included.
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
TAG = re.compile(r"<[^>]+>")


def dashboard_figures() -> dict[str, list[str]]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from committee.models import Community, District, StreetOffice

    client = Client()
    client.force_login(get_user_model().objects.get(username="district"))
    last_year = timezone.localdate().year - 1
    pages = [
        *(
            reverse("dashboards:community", args=[pk])
            for pk in Community.objects.values_list("pk", flat=True)
        ),
        *(
            reverse("dashboards:street_office", args=[pk])
            for pk in StreetOffice.objects.values_list("pk", flat=True)
        ),
        *(
            reverse("dashboards:district", args=[pk])
            for pk in District.objects.values_list("pk", flat=True)
        ),
    ]
    figures = {}
    for page in pages:
        for query in ("", f"?period=year&at={last_year}"):
            response = client.get(page + query)
            assert response.status_code == 200, (page, response.status_code)
            html = response.content.decode()
            main = html[html.index("<main") : html.index("</main>")]
            figures[page + query] = NUMBER.findall(TAG.sub(" ", main))
    return figures


def main(today: str) -> None:
    """Print the figures as JSON, with the clock where the test suite keeps it."""
    import time_machine

    with time_machine.travel(f"{today} 10:00 +08:00", tick=False):
        print(json.dumps(dashboard_figures(), ensure_ascii=False))
