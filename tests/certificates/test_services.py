"""The desk's rules: refuse what is banned, number what is issued, refer, revoke."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates import services
from certificates.models import CertificateRequest, CertificateType, Outcome
from tests.certificates.conftest import NO_CRIME, PRACTICE, RESIDENCE


def test_the_list_holds_the_national_bans_and_loading_twice_changes_nothing(world, types):
    banned = CertificateType.objects.filter(district=world.district, kind="banned")
    assert banned.count() == 25
    assert types[NO_CRIME].refer_to == "公安机关"
    assert "2020" in types[NO_CRIME].basis
    again = services.load_certificate_types(district=world.district)
    assert again.created == 0
    assert CertificateType.objects.filter(district=world.district).count() == len(types)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("良民证", NO_CRIME),
        ("银行要我开个无犯罪证明", NO_CRIME),
        ("生存证明", "健在证明"),
        ("单身证明", "婚姻状况证明"),
        ("孩子上学要居住证明", RESIDENCE),
    ],
)
def test_suggestions_find_the_type_by_what_residents_call_it(world, types, words, expected):
    found = services.suggest_types(district=world.district, text=words)
    assert found[0].certificate_type.name == expected


def test_a_banned_certificate_is_refused_with_no_number(world, make_request):
    made = make_request(world.community_a, NO_CRIME, institution="工商银行", national_id="")
    assert made.outcome == Outcome.REFUSED
    assert made.number == "" and made.token is None
    assert made.certificate_type.refer_to == "公安机关"


def test_an_allowed_certificate_is_numbered_per_community_type_and_year(world, make_request):
    year = timezone.localdate().year
    first = make_request(world.community_a)
    second = make_request(world.community_a)
    other_type = make_request(world.community_a, PRACTICE)
    other_community = make_request(world.community_a2)
    assert first.outcome == Outcome.ISSUED
    assert first.number == f"甲居证〔{year}〕第001号"
    assert second.number == f"甲居证〔{year}〕第002号"
    assert other_type.number == f"甲实证〔{year}〕第001号"
    assert other_community.number == f"甲二居证〔{year}〕第001号"
    assert len({first.token, second.token, other_type.token}) == 3


def test_numbers_start_again_each_year(world, make_request):
    last_year = timezone.localdate().year - 1
    old = make_request(world.community_a, requested_on=date(last_year, 12, 30))
    new = make_request(world.community_a)
    assert old.number == f"甲居证〔{last_year}〕第001号"
    assert new.serial == 1 and new.number_year == last_year + 1


def test_a_template_that_prints_the_id_needs_it(world, make_request):
    with pytest.raises(ValidationError) as error:
        make_request(world.community_a, national_id="")
    assert "national_id" in error.value.error_dict
    assert not CertificateRequest.objects.exists()


def test_the_id_number_is_not_kept_where_the_template_does_not_print_it(world, make_request):
    made = make_request(world.community_a, PRACTICE, national_id="11010519491231002X")
    assert made.national_id == ""


def test_a_referral_says_what_evidence_is_needed(world, make_request):
    with pytest.raises(ValidationError):
        make_request(world.community_a, refer=True, evidence_needed=" ")
    made = make_request(world.community_a, refer=True, evidence_needed="租房合同")
    assert made.outcome == Outcome.REFERRED and made.number == ""
    issued = services.issue_referred(request=made, facts="自2020年起居住")
    assert issued.outcome == Outcome.ISSUED and issued.serial == 1
    assert issued.facts == "自2020年起居住"
    with pytest.raises(ValidationError):
        services.issue_referred(request=issued)


def test_the_same_form_sent_twice_saves_one_request(world, make_request):
    key = uuid.uuid4()
    first = make_request(world.community_a, submission=key)
    again = make_request(world.community_a, submission=key)
    assert again.pk == first.pk
    assert CertificateRequest.objects.count() == 1
    assert again.serial == 1


def test_a_type_from_another_district_is_refused(world, make_request, types):
    from tests.factories import CommunityFactory

    elsewhere = CommunityFactory()
    with pytest.raises(ValidationError):
        make_request(elsewhere)


def test_revoking_needs_a_reason_and_happens_once(world, make_request, staff_a):
    made = make_request(world.community_a)
    with pytest.raises(ValidationError):
        services.revoke_certificate(request=made, reason="  ", by=staff_a)
    revoked = services.revoke_certificate(request=made, reason="已搬离", by=staff_a)
    assert revoked.revoked_on == timezone.localdate() and revoked.revoke_reason == "已搬离"
    with pytest.raises(ValidationError):
        services.revoke_certificate(request=made, reason="再次", by=staff_a)
    refused = make_request(world.community_a, NO_CRIME)
    with pytest.raises(ValidationError):
        services.revoke_certificate(request=refused, reason="错", by=staff_a)


def test_the_certificate_text_fills_the_template(world, make_request):
    made = make_request(world.community_a)
    text = "".join(services.certificate_text(made))
    assert "张伟" in text and "11010519491231002X" in text
    assert "自2019年3月起在本社区居住至今" in text and "子女入学" in text
    assert "{" not in text


def test_a_template_with_an_unknown_field_is_refused(world, types):
    certificate_type = types[RESIDENCE]
    certificate_type.body = "兹证明{name}的{salary}"
    with pytest.raises(ValidationError) as error:
        certificate_type.full_clean()
    assert "body" in error.value.error_dict


def test_a_template_with_an_unclosed_brace_is_refused(world, types):
    certificate_type = types[RESIDENCE]
    certificate_type.body = "兹证明{name"
    with pytest.raises(ValidationError) as error:
        certificate_type.full_clean()
    assert "body" in error.value.error_dict
