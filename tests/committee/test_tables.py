from decimal import Decimal


def test_money_is_shown_as_yuan_with_grouping_in_every_language():
    from django.utils import translation

    from committee.tables import format_money

    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            assert format_money(Decimal("1234.5")) == "¥1,234.50"
            assert format_money(Decimal("-15000")) == "-¥15,000.00"
            assert format_money(None) == "—"
