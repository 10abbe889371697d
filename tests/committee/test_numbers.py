"""One rounding rule for every figure: halves go up (四舍五入), as a clerk rounds by hand."""

from decimal import Decimal

from django.utils import translation

from committee.numbers import cents, percent, percent_of, round_half_up, share


def test_money_is_kept_to_the_fen_and_a_half_fen_goes_up():
    assert cents(Decimal("2.675")) == Decimal("2.68")
    assert cents(Decimal("2.665")) == Decimal("2.67")  # half-even would give 2.66
    assert cents(None) is None


def test_a_share_is_kept_to_four_places():
    assert share(1, 8) == Decimal("0.1250")
    assert share(1, 3) == Decimal("0.3333")
    assert share(1, 32) == Decimal("0.0313")  # 0.03125: the half goes up
    assert share(1500, 8600) == Decimal("0.1744")  # 0.174418…
    assert share(5, 0) is None and share(None, 5) is None


def test_a_sum_sqlite_hands_back_as_a_float_rounds_as_on_postgresql():
    # 629 / 200 = 3.145 exactly; SQLite's float average prints as 3.145 and must give 3.15.
    assert round_half_up(629 / 200) == Decimal("3.15")


def test_percentages_are_whole_and_read_the_same_everywhere():
    with translation.override("en"):
        assert percent(Decimal("0.6667")) == "67\u00a0%"
        assert percent(Decimal("0.125")) == "13\u00a0%"  # 12.5 % goes up
        assert percent(None) == "—"
        assert percent_of(2, 3) == "67\u00a0%"
        assert percent_of(1, 0) == "—"
