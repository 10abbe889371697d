"""Demo part of the dashboards app: the district's thresholds at DOMAIN.md's defaults.

Runs last (load_demo's order), after every other app has added its records; the
flags then tell the field report's story for 爱国社区 from those records alone. The
other apps write in bulk (no services), so the monthly rollups are rebuilt here.
"""

from committee.models import Community
from dashboards.models import Threshold
from dashboards.rollups import rebuild_rollups


def load(world) -> None:
    Threshold.objects.ensure_for([world.district])
    rebuild_rollups(communities=Community.objects.filter(street_office__district=world.district))
