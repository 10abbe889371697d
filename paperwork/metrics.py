"""The paperwork figures the dashboards and the department league read, in the database.

- ``flagged_demands`` (+ ``_by_community``): demands over a cap or without a basis that
  stood in the period;
- ``duplicate_share`` (+ ``_by_community``, ``_by_street_office``): of the data items
  asked in the period, the share asked again by another department (重复填报);
- ``repeat_asks_by_department`` / ``returns_by_department``: the league's columns.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from committee.numbers import share
from paperwork.models import Demand, ReturnForm, ReturnItem, unapproved_q


def _demands(communities, start: date, end: date):
    return (
        Demand.objects.filter(community__in=communities.values("pk"))
        .standing_between(start, end)
        .flagged()
    )


def flagged_demands(communities, start: date, end: date) -> int:
    return _demands(communities, start, end).count()


def flagged_demands_by_community(communities, start: date, end: date) -> dict[int, int]:
    rows = _demands(communities, start, end).values("community_id").annotate(n=Count("pk"))
    found = {r["community_id"]: r["n"] for r in rows.order_by()}
    return {pk: found.get(pk, 0) for pk in communities.values_list("pk", flat=True)}


def _lines(communities, start: date, end: date):
    return ReturnItem.objects.filter(
        return_form__community__in=communities.values("pk"),
        return_form__registered_on__range=(start, end),
    )


def _share(asked: int, repeated: int) -> Decimal | None:
    return share(Decimal(repeated), Decimal(asked)) if asked else None


def duplicate_share(communities, start: date, end: date) -> Decimal | None:
    found = _lines(communities, start, end).aggregate(
        asked=Count("data_item", distinct=True),
        repeated=Count("data_item", filter=Q(repeat=True), distinct=True),
    )
    return _share(found["asked"], found["repeated"])


def _shares_by(communities, start: date, end: date, key: str) -> dict[int, Decimal | None]:
    rows = (
        _lines(communities, start, end)
        .values(key)
        .annotate(
            asked=Count("data_item", distinct=True),
            repeated=Count("data_item", filter=Q(repeat=True), distinct=True),
        )
        .order_by()
    )
    return {r[key]: _share(r["asked"], r["repeated"]) for r in rows}


def duplicate_share_by_community(communities, start: date, end: date) -> dict[int, Decimal | None]:
    found = _shares_by(communities, start, end, "return_form__community_id")
    return {pk: found.get(pk) for pk in communities.values_list("pk", flat=True)}


def duplicate_share_by_street_office(
    communities, start: date, end: date
) -> dict[int, Decimal | None]:
    """The share for each street office's communities together (a data item counted once)."""
    return _shares_by(communities, start, end, "return_form__community__street_office_id")


def repeat_asks(communities, start: date, end: date) -> int:
    return _lines(communities, start, end).filter(repeat=True).count()


def repeat_asks_by_department(communities, start: date, end: date) -> dict[int, int]:
    rows = (
        _lines(communities, start, end)
        .filter(repeat=True)
        .values("return_form__department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["return_form__department_id"]: r["n"] for r in rows}


def returns_by_department(communities, start: date, end: date) -> dict[int, int]:
    rows = (
        ReturnForm.objects.filter(
            community__in=communities.values("pk"), registered_on__range=(start, end)
        )
        .values("department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["department_id"]: r["n"] for r in rows}


def demand_counts() -> dict:
    """What ``demands_by_kind`` counts of a kind's demands, as annotations (``n_…``)."""
    return {
        "n_standing": Count("pk"),
        "n_over_cap": Count("pk", filter=Q(over_cap=True)),
        "n_no_basis": Count("pk", filter=Q(basis="")),
        "n_flagged": Count("pk", filter=Q(over_cap=True) | Q(basis="")),
    }


def demands_by_kind(communities, start: date, end: date) -> dict[str, dict[str, int]]:
    """{kind: {standing, over_cap, no_basis, flagged}} for demands standing in the period."""
    rows = (
        Demand.objects.filter(community__in=communities.values("pk"))
        .standing_between(start, end)
        .values("kind")
        .annotate(**demand_counts())
        .order_by()
    )
    keys = ("standing", "over_cap", "no_basis", "flagged")
    return {r["kind"]: {k: r[f"n_{k}"] for k in keys} for r in rows}


def return_counts(communities, start: date, end: date) -> dict[str, int]:
    """Forms registered in the period, the unapproved among them, items asked, repeat asks."""
    forms = ReturnForm.objects.filter(
        community__in=communities.values("pk"), registered_on__range=(start, end)
    ).aggregate(registered=Count("pk"), unapproved=Count("pk", filter=unapproved_q()))
    lines = _lines(communities, start, end).aggregate(
        asked=Count("pk"), repeats=Count("pk", filter=Q(repeat=True))
    )
    return {**forms, **lines}
