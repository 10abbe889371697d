"""Demo part of the dashboards app: the district's thresholds at DOMAIN.md's defaults.

Runs last (load_demo's order), after every other app has added its records; the
flags then tell the field report's story for 爱国社区 from those records alone. The
other apps write in bulk (no services), so the monthly rollups are rebuilt here.
"""

from django.db import connection

from committee.models import Community
from dashboards.models import Threshold
from dashboards.rollups import rebuild_rollups


def load(world) -> None:
    Threshold.objects.ensure_for([world.district])
    analyze()
    rebuild_rollups(communities=Community.objects.filter(street_office__district=world.district))


def analyze() -> None:
    """Fresh planner statistics on PostgreSQL for the tables just filled. Without them the
    planner goes by what it saw before the load (often empty tables) and the rebuild's
    aggregates over answers, hours and tasks can take seconds each instead of milliseconds.
    ANALYZE runs inside the load's transaction and counts the rows it added."""
    if connection.vendor != "postgresql":
        return
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in sorted(tables)))
