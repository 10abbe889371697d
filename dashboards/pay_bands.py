"""The districts' pay bands: person-months per (district, month, kind, net amount).

What the pay medians of whole districts are walked from (``dashboards/rollup_metrics.py``)
instead of sorting every person-month. ``dashboards/rollups.py``'s rebuild adds what it
changed in the person-months (``add``, inside the same transaction); ``rebuild`` counts a
district's bands again (``manage.py rollups rebuild``); ``drift`` compares them with a
fresh count of the kept person-months (``manage.py rollups check``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from committee.models import Community
from committee.numbers import cents
from dashboards.models import PayBand, PayMonth

BAND = ("community__street_office__district_id", "month", "kind", "net")


def count(person_months) -> Counter:
    """Person-months per (district, month, kind, net)."""
    rows = person_months.values(*BAND).annotate(n=Count("pk")).order_by().values_list(*BAND, "n")
    return Counter({(d, m, k, cents(net)): n for d, m, k, net, n in rows})


def add(delta: dict[tuple[int, date, str, Decimal], int]) -> None:
    """Add what a rebuild changed to the districts' pay bands (rows locked while added)."""
    delta = {key: n for key, n in delta.items() if n}
    if not delta:
        return
    with transaction.atomic(savepoint=False):
        found = PayBand.objects.select_for_update().filter(
            district__in={k[0] for k in delta},
            month__in={k[1] for k in delta},
            kind__in={k[2] for k in delta},
            net__in={k[3] for k in delta},
        )
        rows = {}
        for band in found.order_by("pk"):
            rows.setdefault((band.district_id, band.month, band.kind, band.net), band)
        changed, emptied, new = [], [], []
        for (district, month, kind, net), n in delta.items():
            band = rows.get((district, month, kind, net))
            if band is None:
                new.append(PayBand(district_id=district, month=month, kind=kind, net=net, months=n))
                continue
            band.months += n
            (changed if band.months else emptied).append(band)
        if changed:
            PayBand.objects.bulk_update(changed, ["months"], batch_size=500)
        if new:
            PayBand.objects.bulk_create(new, batch_size=500)
        if emptied:
            PayBand.objects.filter(pk__in=[band.pk for band in emptied]).delete()


def rebuild(community_ids: list[int]) -> None:
    """Count again the pay bands of the districts all of whose communities these are (a
    rebuild of fewer keeps them by the differences it adds)."""
    rows = (
        Community.objects.values("street_office__district")
        .annotate(every=Count("pk"), chosen=Count("pk", filter=Q(pk__in=community_ids)))
        .order_by()
        .values_list("street_office__district", "every", "chosen")
    )
    districts = [district for district, every, chosen in rows if every == chosen]
    if not districts:
        return
    PayBand.objects.filter(district__in=districts).delete()
    found = count(PayMonth.objects.filter(community__street_office__district__in=districts))
    PayBand.objects.bulk_create(
        (
            PayBand(district_id=d, month=m, kind=k, net=net, months=n)
            for (d, m, k, net), n in found.items()
        ),
        batch_size=1000,
    )


def drift(communities=None) -> list[str]:
    """The districts whose pay bands differ from their kept person-months."""
    ids = (communities if communities is not None else Community.objects.all()).values(
        "street_office__district_id"
    )
    fresh = count(PayMonth.objects.filter(community__street_office__district__in=ids))
    rows = (
        PayBand.objects.filter(district__in=ids)
        .values("district_id", "month", "kind", "net")
        .annotate(n=Sum("months"))
        .order_by()
        .values_list("district_id", "month", "kind", "net", "n")
    )
    stored = Counter({(d, m, k, cents(net)): n for d, m, k, net, n in rows if n})
    differ = {key[0] for key in fresh.keys() | stored.keys() if fresh[key] != stored[key]}
    return [f"district {d}: pay bands" for d in sorted(differ)]
