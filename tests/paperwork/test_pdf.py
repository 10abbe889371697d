"""The withdraw letter lists every over-cap or unfounded item standing, with its rule."""

from datetime import date

from django.urls import reverse

from paperwork.models import CapKind
from tests.certificates.test_pdf import embedded_fonts, poppler
from tests.paperwork.conftest import RULE


def test_the_letter_lists_every_over_cap_item_with_its_rule(as_user, world, staff_a, caps, demand):
    a = world.community_a
    for k in range(6):
        demand(a, CapKind.SIGNBOARD_OUTSIDE, f"挂牌{k}号", date(2026, 1, 1 + k))
    demand(a, CapKind.LEDGER, "迎检台账", date(2026, 2, 1))
    demand(a, CapKind.LEDGER, "居民花名册", date(2026, 2, 2), basis="")
    demand(world.community_b, CapKind.LEDGER, "乙社区台账", date(2026, 2, 1))
    response = as_user(staff_a).get(reverse("paperwork:letter", args=[a.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert all(emb == "yes" for _name, emb in embedded_fonts(response.content))
    text = "".join(poppler("pdftotext", response.content).split())
    for name in ("挂牌4号", "挂牌5号", "迎检台账", "居民花名册"):
        assert name in text
    for name in ("挂牌0号", "挂牌3号", "乙社区台账"):
        assert name not in text
    assert text.count(RULE) == 4
