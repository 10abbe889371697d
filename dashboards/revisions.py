"""Each community's revision: a counter raised by every write that changes what a dashboard
may show of it, in the write's own transaction (``CommunityRevision``).

The dashboards' figure cache (``dashboards/figure_cache.py``) keys a page on the revisions
of the communities it covers: counters only grow, so any write to any of them changes the
key, and a cached page is never older than the records. Who raises them:

- hours, tasks, money, pay and staff answers: every community the rollup hook touched
  (``committee/rollups.py`` hands them to ``bump`` at the outermost service's flush, with
  the communities a rebuild of the rollups recounted);
- every other record of a community, a street office or a district (a survey, a demand,
  a certificate request, a threshold, a catalogue item, the community itself …), through
  the signals wired by ``install``: its community before and after the change, or every
  community of its street office or district.

A resident's answer through the public form is one SQL statement that raises nothing (the
form must not queue on a community's row at 200 answers a second): the cache key adds the
survey tallies the dashboards read instead (``figure_cache``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from committee import rollups as hook
from committee.models import Community, District, StreetOffice
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet
from committee.services import in_service
from dashboards import refresh, rollups
from dashboards.models import CommunityRevision

# Records that name no community themselves (or are scoped through their survey), and
# the way to it.
PATHS = {
    "surveys.question": "survey__community",
    "surveys.response": "survey__community",
    "surveys.answer": "response__survey__community",
    "surveys.choice": "question__survey__community",
}
# The dashboards' own kept figures: written by the rollup refresher, whose communities are
# raised with the write that caused it.
OWN = (
    "dashboards.monthlyrollup",
    "dashboards.pendingduerollup",
    "dashboards.paymonth",
    "dashboards.payband",
    "dashboards.departmentmonth",
    "dashboards.departmentpendingdue",
    "dashboards.communityrevision",
)
_BEFORE = "_juwei_revision_before"


def bump(community_ids: Iterable[int]) -> None:
    """Raise these communities' revisions by one (in id order; a deleted one is skipped)."""
    ids = sorted(set(community_ids))
    if not ids:
        return
    quote = connection.ops.quote_name
    table = quote(CommunityRevision._meta.db_table)
    communities = quote(Community._meta.db_table)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(part))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (community_id, revision)"
                f" SELECT id, 1 FROM {communities} WHERE id IN ({marks}) ORDER BY id"
                f" ON CONFLICT (community_id) DO UPDATE SET revision = {table}.revision + 1",
                part,
            )
    refresh.written(ids)


def _path(model) -> tuple[str, str] | None:
    """("community" | "district", the lookup from the model to it), None when unwatched."""
    label = model._meta.label_lower
    if label in OWN:
        return None
    if label in PATHS:
        return "community", PATHS[label]
    if model is StreetOffice:
        return "office", ""
    if model is District:
        return "district", ""
    queryset = model._default_manager.all()
    path = getattr(queryset, "scope_path", None)
    if path is None:
        return None
    if isinstance(queryset, DistrictScopedQuerySet):
        return "district", path
    if isinstance(queryset, ScopedQuerySet):
        return "community", path
    return None


def _communities(sender, instance, stored: bool) -> set[int]:
    """The communities this record belongs to: as stored (``stored``: before a change, or
    before a delete) or as the instance now says (after a save)."""
    found = _path(sender)
    if found is None or instance.pk is None:
        return set()
    kind, path = found
    if path == "":
        unit_id = instance.pk
    elif stored or "__" in path:
        lookup = path if "__" in path else f"{path}_id"
        row = sender._base_manager.filter(pk=instance.pk).values_list(lookup).first()
        unit_id = row[0] if row else None
    else:
        unit_id = getattr(instance, f"{path}_id", None)
    if unit_id is None:
        return set()
    if kind == "community":
        return {unit_id}
    lookup = "street_office_id" if kind == "office" else "street_office__district_id"
    return set(Community.objects.filter(**{lookup: unit_id}).values_list("pk", flat=True))


def _skipped(sender, raw: bool) -> bool:
    # Inside a service the rollup hook already names the communities of what it watches.
    return raw or (sender in rollups.WATCHED and in_service())


def _before(sender, instance, raw=False, **kwargs) -> None:
    """A record changes: the communities it belonged to count too (a moved record)."""
    if _skipped(sender, raw) or instance._state.adding or instance.pk is None:
        return
    setattr(instance, _BEFORE, _communities(sender, instance, stored=True))


def _after(sender, instance, raw=False, **kwargs) -> None:
    if _skipped(sender, raw):
        return
    before = getattr(instance, _BEFORE, set())
    if before:
        delattr(instance, _BEFORE)
    hook.revise(before | _communities(sender, instance, stored=False))


def _deleting(sender, instance, **kwargs) -> None:
    if not _skipped(sender, False):
        setattr(instance, _BEFORE, _communities(sender, instance, stored=True))


def _deleted(sender, instance, **kwargs) -> None:
    if not _skipped(sender, False):
        hook.revise(getattr(instance, _BEFORE, ()))


def install() -> None:
    """Wire the signals and the reviser (dashboards.apps.ready)."""
    for model in apps.get_models():
        found = _path(model)
        if found is None:
            continue
        if found[1]:
            model._meta.get_field(found[1].split("__")[0])  # FieldDoesNotExist: a wrong path
        uid = f"juwei-revisions-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid)
        post_save.connect(_after, sender=model, dispatch_uid=uid)
        pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    hook.register_reviser(bump)
