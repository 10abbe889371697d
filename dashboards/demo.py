"""Demo part of the dashboards app: the district's thresholds at DOMAIN.md's defaults.

Runs last (load_demo's order), after every other app has added its records; the
flags then tell the field report's story for 爱国社区 from those records alone.
"""

from dashboards.models import Threshold


def load(world) -> None:
    Threshold.objects.ensure_for([world.district])
