from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from committee.models import Community
from dashboards.flags import SPECS, Severity, flags, flags_by_community
from dashboards.models import FlagKind, Threshold
from dashboards.services import set_thresholds

START, END = date(2026, 1, 1), date(2026, 12, 31)


def by_kind(flag_list):
    return {f.kind: f for f in flag_list}


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (FlagKind.ADMIN_SHARE, "0.30", Severity.GREEN),  # amber is "> 30 %"
        (FlagKind.ADMIN_SHARE, "0.31", Severity.AMBER),
        (FlagKind.ADMIN_SHARE, "0.50", Severity.AMBER),
        (FlagKind.ADMIN_SHARE, "0.51", Severity.RED),
        (FlagKind.UNAUTHORISED, "0", Severity.GREEN),
        (FlagKind.UNAUTHORISED, "1", Severity.AMBER),  # "≥ 1"
        (FlagKind.UNAUTHORISED, "3", Severity.RED),
        (FlagKind.NEGATIVE_LIST, "0", Severity.GREEN),
        (FlagKind.NEGATIVE_LIST, "1", Severity.RED),  # no amber: straight to red
        (FlagKind.USABLE_VS_COSTS, "1.00", Severity.GREEN),  # amber is "< 100 %"
        (FlagKind.USABLE_VS_COSTS, "0.99", Severity.AMBER),
        (FlagKind.USABLE_VS_COSTS, "0.69", Severity.RED),
        (FlagKind.PAY_VS_MINIMUM, "1.19", Severity.AMBER),
        (FlagKind.PAY_VS_MINIMUM, "0.99", Severity.RED),
        (FlagKind.REPRESENTED_SHARE, "0.20", Severity.RED),
        (FlagKind.REPRESENTED_SHARE, None, Severity.NONE),
    ],
)
def test_it_colours_a_value_by_domain_md_default_limits(kind, value, expected):
    spec = SPECS[kind]
    measured = None if value is None else Decimal(value)
    assert spec.severity(measured, spec.amber, spec.red) == expected


def test_every_flag_of_domain_md_has_a_default():
    assert set(SPECS) == set(FlagKind.values)
    assert SPECS[FlagKind.ADMIN_SHARE].amber == Decimal("0.30")
    assert SPECS[FlagKind.POOLED_SHARE].red == Decimal("0.40")
    assert SPECS[FlagKind.NEGATIVE_LIST].amber is None


def test_it_uses_the_defaults_for_a_district_nobody_configured(world, fake_metrics):
    assert not Threshold.objects.exists()
    world.community_a.residents = 4000  # 40 %: amber by default
    world.community_a.save()
    found = by_kind(flags(Community.objects.filter(pk=world.community_a.pk), START, END))
    assert found[FlagKind.ADMIN_SHARE].severity == Severity.AMBER
    assert found[FlagKind.ADMIN_SHARE].value == Decimal("0.4")


def test_a_changed_threshold_changes_the_colour(world, fake_metrics):
    world.community_a.residents = 6200
    world.community_a.save()
    group = Community.objects.filter(pk=world.community_a.pk)
    assert by_kind(flags(group, START, END))[FlagKind.ADMIN_SHARE].severity == Severity.RED
    set_thresholds(
        district=world.district,
        limits={FlagKind.ADMIN_SHARE: (Decimal("0.60"), Decimal("0.70"))},
    )
    flag = by_kind(flags(group, START, END))[FlagKind.ADMIN_SHARE]
    assert flag.severity == Severity.AMBER
    assert flag.red == Decimal("0.70")
    by_community = flags_by_community(group, START, END)
    assert by_kind(by_community[world.community_a.pk])[FlagKind.ADMIN_SHARE].severity == (
        Severity.AMBER
    )


def test_it_explains_each_flag_in_one_chinese_sentence(world, fake_metrics):
    world.community_a.residents = 6200
    world.community_a.save()
    with translation.override("zh-hans"):
        flag = by_kind(flags(Community.objects.filter(pk=world.community_a.pk), START, END))[
            FlagKind.ADMIN_SHARE
        ]
        assert flag.severity.label == "红"
    assert "62\u00a0%" in flag.explanation
    assert "政务" in flag.explanation
    assert flag.explanation.count("。") == 1


def test_a_verdict_worded_again_has_the_words_of_its_own_language(world, fake_metrics):
    """A flag's words are kept per process for the same verdict (a page drawn again after
    a write words its unchanged flags again): per language, and as if worked out afresh."""
    from dashboards import flags as flags_module

    world.community_a.residents = 6200
    world.community_a.save()
    group = Community.objects.filter(pk=world.community_a.pk)

    def words(language):
        with translation.override(language):
            found = by_kind(flags(group, START, END))[FlagKind.ADMIN_SHARE]
            return (
                str(found.label),
                found.value_text,
                found.explanation,
                found.threshold_text,
                found.url,
            )

    flags_module.forget_words()
    first = {language: words(language) for language in ("zh-hans", "en")}
    kept = {language: words(language) for language in ("en", "zh-hans")}
    flags_module.forget_words()
    fresh = {language: words(language) for language in ("en", "zh-hans")}
    assert first == kept == fresh
    assert "政务" in first["zh-hans"][2]
    assert "administrative" in first["en"][2].lower()


def test_it_says_so_when_there_is_nothing_to_judge(world, fake_metrics):
    flag = by_kind(flags(Community.objects.none(), START, END))[FlagKind.ADMIN_SHARE]
    assert flag.severity == Severity.NONE
    assert flag.value_text == "—"


class TestTasksWithoutAdmissionInAMonth:
    """DOMAIN.md: amber from 1, red from 3 *in a month*, whatever the period shown."""

    def unauthorised(self, community, *days):
        from tests.tasks.factories import TaskFactory

        for day in days:
            TaskFactory(community=community, received_on=day, worked_while_pending=True)

    def test_three_in_different_months_of_a_year_are_amber(self, world):
        self.unauthorised(world.community_a, date(2026, 2, 10), date(2026, 5, 3), date(2026, 9, 1))
        group = Community.objects.filter(pk=world.community_a.pk)
        for flag in (
            by_kind(flags(group, START, END))[FlagKind.UNAUTHORISED],
            by_kind(flags_by_community(group, START, END)[world.community_a.pk])[
                FlagKind.UNAUTHORISED
            ],
        ):
            assert flag.severity == Severity.AMBER
            assert flag.value == 1
            assert "2026-02" in flag.explanation  # the earliest of the equal months

    def test_three_in_one_month_are_red_and_link_to_that_month(self, world, as_user, official_a):
        self.unauthorised(
            world.community_a2, date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 31)
        )
        self.unauthorised(world.community_a2, date(2026, 4, 1))
        group = Community.objects.filter(pk=world.community_a2.pk)
        with translation.override("en"):
            whole = by_kind(flags(group, START, END))
            each = by_kind(flags_by_community(group, START, END)[world.community_a2.pk])
        for flag in (whole[FlagKind.UNAUTHORISED], each[FlagKind.UNAUTHORISED]):
            assert (flag.severity, flag.value) == (Severity.RED, 3)
            assert "In 2026-03, the worst month of the period, 3 tasks" in flag.explanation
            assert flag.threshold_text == "amber ≥ 1 · red ≥ 3 in one month"
            assert "received_on_after=2026-03-01&received_on_before=2026-03-31" in flag.url
            listed = as_user(official_a).get(flag.url).context["table"].rows
            assert len(listed) == flag.value

    def test_the_link_keeps_inside_a_custom_period(self, world):
        self.unauthorised(world.community_a, date(2026, 3, 20), date(2026, 4, 2))
        group = Community.objects.filter(pk=world.community_a.pk)
        flag = by_kind(flags(group, date(2026, 3, 15), date(2026, 4, 1)))[FlagKind.UNAUTHORISED]
        assert "received_on_after=2026-03-15&received_on_before=2026-03-31" in flag.url

    def test_it_says_so_in_chinese_and_when_no_month_has_any(self, world):
        self.unauthorised(world.community_a, date(2025, 6, 1))  # before the period
        group = Community.objects.filter(pk=world.community_a.pk)
        with translation.override("zh-hans"):
            flag = by_kind(flags(group, START, END))[FlagKind.UNAUTHORISED]
        assert (flag.severity, flag.value) == (Severity.GREEN, 0)
        assert "没有" in flag.explanation and "单月" in flag.explanation
        assert flag.threshold_text.endswith("（单月）")
        assert "received_on_after=2026-01-01&received_on_before=2026-12-31" in flag.url
