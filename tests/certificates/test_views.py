"""The desk's pages: who may see and do what, and what each page tells its user."""

import re
import uuid
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certificates import services
from certificates.models import CertificateRequest, InstitutionKind, Outcome
from tests.certificates.conftest import NO_CRIME, RESIDENCE
from tests.scoping import covers


def login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


class TestDesk:
    URL = reverse("certificates:request_new")

    def data(self, world, types, name=RESIDENCE, **extra):
        return {
            "community": world.community_a.pk,
            "words": "孩子上学要居住证明",
            "certificate_type": types[name].pk,
            "resident_name": "王芳",
            "national_id": "11010519491231002X",
            "address": "甲路1号",
            "purpose": "子女入学",
            "institution": "实验小学",
            "institution_kind": "school",
            "facts": "自2019年起居住",
            "refer": "",
            "evidence_needed": "",
            "requested_on": timezone.localdate().isoformat(),
            "submission": str(uuid.uuid4()),
            **extra,
        }

    def test_anonymous_users_log_in_first(self, client, world):
        assert login_redirect(client.get(self.URL))
        assert login_redirect(client.get(reverse("certificates:type_suggest")))

    def test_officials_who_only_read_may_not_record(self, as_user, official_a, types, world):
        assert as_user(official_a).get(self.URL).status_code == 403
        assert as_user(official_a).post(self.URL, self.data(world, types)).status_code == 403
        assert not CertificateRequest.objects.exists()

    def test_staff_may_not_record_for_another_community(self, as_user, staff_b, types, world):
        response = as_user(staff_b).post(self.URL, self.data(world, types))
        assert response.status_code == 200
        assert "community" in response.context["form"].errors
        assert not CertificateRequest.objects.exists()

    def test_a_banned_request_is_refused_and_names_who_issues_it(
        self, as_user, staff_a, types, world
    ):
        data = self.data(world, types, NO_CRIME, words="良民证", institution="工商银行")
        response = as_user(staff_a).post(self.URL, data, follow=True)
        made = CertificateRequest.objects.get()
        assert made.outcome == Outcome.REFUSED and made.recorded_by == staff_a
        assert made.national_id == ""
        page = response.content.decode()
        assert "公安机关" in page and types[NO_CRIME].basis in page
        assert reverse("certificates:note_pdf", args=[made.pk]) in page

    def test_an_allowed_request_is_issued_with_its_number(self, as_user, staff_a, types, world):
        response = as_user(staff_a).post(self.URL, self.data(world, types), follow=True)
        made = CertificateRequest.objects.get()
        assert made.outcome == Outcome.ISSUED
        assert made.number in response.content.decode()
        assert "11010519491231002X" not in response.content.decode()  # masked on the page

    def test_a_double_click_saves_one_request(self, as_user, staff_a, types, world):
        client = as_user(staff_a)
        data = self.data(world, types)
        client.post(self.URL, data)
        client.post(self.URL, data)
        assert CertificateRequest.objects.count() == 1

    def test_bad_input_is_explained_and_nothing_saved(self, as_user, staff_a, types, world):
        data = self.data(world, types, national_id="123", resident_name="")
        response = as_user(staff_a).post(self.URL, data)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "national_id" in errors and "resident_name" in errors
        data = self.data(world, types, national_id="")
        response = as_user(staff_a).post(self.URL, data)
        assert "national_id" in response.context["form"].errors
        data = self.data(world, types, refer="1", evidence_needed="")
        response = as_user(staff_a).post(self.URL, data)
        assert "evidence_needed" in response.context["form"].errors
        assert not CertificateRequest.objects.exists()

    def test_suggestions_answer_as_the_staff_type(self, as_user, staff_a, types, world):
        url = reverse("certificates:type_suggest")
        response = as_user(staff_a).get(url, {"words": "良民证", "community": ""})
        assert NO_CRIME in response.content.decode()
        assert "公安机关" in response.content.decode()


@covers("certificates:request_detail")
class TestDetail:
    def test_scoping(self, client, as_user, staff_b, official_a, staff_a, make_request, world):
        made = make_request(world.community_a)
        url = made.get_absolute_url()
        assert login_redirect(client.get(url))
        assert as_user(staff_b).get(url).status_code == 404
        page = as_user(official_a).get(url)
        assert page.status_code == 200 and not page.context["can_change"]
        page = as_user(staff_a).get(url).content.decode()
        assert made.number in page and "110105********002X" in page


@covers("certificates:certificate_pdf", "certificates:note_pdf")
class TestDocuments:
    def test_scoping(self, client, as_user, staff_b, official_a, staff_a, make_request, world):
        issued = make_request(world.community_a)
        refused = make_request(world.community_a, NO_CRIME)
        for url in (
            reverse("certificates:certificate_pdf", args=[issued.pk]),
            reverse("certificates:note_pdf", args=[refused.pk]),
        ):
            assert login_redirect(client.get(url))
            assert as_user(staff_b).get(url).status_code == 404
            assert as_user(official_a).get(url).status_code == 403
            response = as_user(staff_a).get(url)
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        # A refused request has no certificate, an issued one no note.
        assert (
            as_user(staff_a)
            .get(reverse("certificates:certificate_pdf", args=[refused.pk]))
            .status_code
            == 404
        )
        assert (
            as_user(staff_a).get(reverse("certificates:note_pdf", args=[issued.pk])).status_code
            == 404
        )


@covers("certificates:request_revoke")
class TestRevoke:
    def test_scoping(self, client, as_user, staff_b, official_a, make_request, world):
        made = make_request(world.community_a)
        url = reverse("certificates:request_revoke", args=[made.pk])
        assert login_redirect(client.post(url, {"reason": "x"}))
        assert as_user(staff_b).post(url, {"reason": "x"}).status_code == 404
        assert as_user(official_a).post(url, {"reason": "x"}).status_code == 403
        made.refresh_from_db()
        assert made.revoked_on is None

    def test_staff_revoke_with_a_reason(self, as_user, staff_a, make_request, world):
        made = make_request(world.community_a)
        url = reverse("certificates:request_revoke", args=[made.pk])
        response = as_user(staff_a).post(url, {"reason": ""})
        assert response.status_code == 400
        made.refresh_from_db()
        assert made.revoked_on is None
        as_user(staff_a).post(url, {"reason": "居民已搬离"})
        made.refresh_from_db()
        assert made.revoke_reason == "居民已搬离" and made.revoked_by == staff_a


@covers("certificates:request_issue")
class TestIssueReferred:
    def test_scoping(self, client, as_user, staff_b, official_a, make_request, world):
        made = make_request(world.community_a, refer=True, evidence_needed="租房合同")
        url = reverse("certificates:request_issue", args=[made.pk])
        assert login_redirect(client.post(url))
        assert as_user(staff_b).post(url).status_code == 404
        assert as_user(official_a).post(url).status_code == 403
        made.refresh_from_db()
        assert made.outcome == Outcome.REFERRED

    def test_staff_issue_once_the_evidence_is_in(self, as_user, staff_a, make_request, world):
        made = make_request(world.community_a, refer=True, evidence_needed="租房合同")
        url = reverse("certificates:request_issue", args=[made.pk])
        as_user(staff_a).post(url, {"facts": "自2020年起居住"})
        made.refresh_from_db()
        assert made.outcome == Outcome.ISSUED and made.serial == 1


@covers("certificates:verify")
class TestVerify:
    def test_a_real_certificate_shows_only_number_type_date_and_state(
        self, client, make_request, staff_a, world
    ):
        made = make_request(world.community_a)
        url = reverse("certificates:verify", args=[made.token])
        page = client.get(url).content.decode()
        assert made.number in page and "居住证明" in page
        assert made.issued_on.isoformat() in page
        for personal in ("张伟", "11010519491231002X", "爱国路12号院", "子女入学", "实验小学"):
            assert personal not in page
        assert 'id="verdict"' in page and "flag-green" in page
        services.revoke_certificate(request=made, reason="已搬离", by=staff_a)
        page = client.get(url).content.decode()
        assert "flag-red" in page and "已搬离" not in page

    def test_a_guessed_code_reveals_nothing(self, client, make_request, world):
        made = make_request(world.community_a)
        refused = make_request(world.community_a, NO_CRIME)
        assert re.fullmatch(r"[0-9a-f]{32}", made.token)  # 128 random bits, not the number
        for guess in (made.number, str(made.pk), "AAAAAAAAAAAAAAAAAAAAAA", str(refused.pk)):
            response = client.get(reverse("certificates:verify", args=[guess]))
            assert response.status_code == 404
            assert made.number not in response.content.decode()


@covers("certificates:banned_demand")
class TestBannedDemand:
    def url(self, office):
        return reverse("certificates:banned_demand", args=[office.pk])

    def test_scoping(self, client, as_user, staff_a, official_b, official_a, world):
        assert login_redirect(client.get(self.url(world.street_a)))
        # A community's staff do not see the street office's other communities.
        assert as_user(staff_a).get(self.url(world.street_a)).status_code == 404
        assert as_user(official_b).get(self.url(world.street_a)).status_code == 404
        assert as_user(official_a).get(self.url(world.street_a)).status_code == 200

    def test_institutions_demanding_banned_certificates_most_come_first(
        self, as_user, official_a, make_request, world
    ):
        bank = {"institution": "工商银行", "institution_kind": "bank"}
        for _ in range(3):
            make_request(world.community_a, NO_CRIME, **bank)
        make_request(world.community_a2, "健在证明", **bank)
        make_request(world.community_a2, NO_CRIME, institution="华信公司")
        make_request(world.community_a, institution="实验小学")  # allowed: not counted
        make_request(world.community_b, NO_CRIME, institution="外区银行")  # another office
        rows = as_user(official_a).get(self.url(world.street_a)).context["rows"]
        assert [(r.institution, r.requests, r.certificates, r.top_certificate) for r in rows] == [
            ("工商银行", 4, 2, NO_CRIME),
            ("华信公司", 1, 1, NO_CRIME),
        ]


class TestRegister:
    URL = reverse("certificates:request_list")

    def test_each_sees_only_their_communities(
        self, client, as_user, staff_a, staff_b, official_a, make_request, world
    ):
        mine = make_request(world.community_a)
        theirs = make_request(world.community_b, resident_name="外人")
        assert login_redirect(client.get(self.URL))
        rows = list(as_user(staff_a).get(self.URL).context["table"].data)
        assert [r.pk for r in rows] == [mine.pk]
        rows = list(as_user(staff_b).get(self.URL).context["table"].data)
        assert [r.pk for r in rows] == [theirs.pk]

    def test_filters_and_export_show_the_same_rows(self, as_user, staff_a, make_request, world):
        make_request(world.community_a)
        make_request(world.community_a, NO_CRIME)
        client = as_user(staff_a)
        rows = list(client.get(self.URL, {"outcome": "refused"}).context["table"].data)
        assert [r.outcome for r in rows] == ["refused"]
        export = client.get(self.URL, {"outcome": "refused", "export": "xlsx"})
        assert export.status_code == 200
        sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
        assert sheet.max_row == 2  # header + the one refused request
        values = [c.value for c in sheet[2]]
        assert NO_CRIME in values and "11010519491231002X" not in values

    @pytest.mark.parametrize("n", [3, 30])
    def test_queries_do_not_grow_with_the_register(
        self, as_user, staff_a, make_request, world, django_assert_max_num_queries, n
    ):
        for _ in range(n):
            make_request(world.community_a)
        client = as_user(staff_a)
        with django_assert_max_num_queries(10):
            client.get(self.URL)

    def test_counts_page_adds_up_to_the_register(self, as_user, staff_a, make_request, world):
        make_request(world.community_a)
        make_request(world.community_a, NO_CRIME, institution_kind="bank")
        make_request(world.community_a, NO_CRIME, institution_kind="bank")
        response = as_user(staff_a).get(reverse("certificates:summary"))
        totals = response.context["totals"]
        assert (totals.issued, totals.refused, totals.referred) == (1, 2, 0)
        bank_label = str(InstitutionKind.BANK.label)
        bank = next(r for r in response.context["by_institution"] if r.label == bank_label)
        assert bank.counts.refused == 2


@covers("certificates:type_edit")
class TestTypeEdit:
    def url(self, certificate_type):
        return reverse("certificates:type_edit", args=[certificate_type.pk])

    def test_scoping(self, client, as_user, staff_a, district_officer, types, world):
        from tests.factories import DistrictFactory, member

        certificate_type = types[NO_CRIME]
        assert login_redirect(client.get(self.url(certificate_type)))
        assert as_user(staff_a).get(self.url(certificate_type)).status_code == 403
        elsewhere = member("district_officer", DistrictFactory(), username="elsewhere")
        assert as_user(elsewhere).get(self.url(certificate_type)).status_code == 404
        assert as_user(district_officer).get(self.url(certificate_type)).status_code == 200

    def test_the_district_names_who_issues_it_instead(
        self, as_user, district_officer, types, world
    ):
        certificate_type = types[NO_CRIME]
        form = as_user(district_officer).get(self.url(certificate_type)).context["form"]
        data = {
            name: ("on" if value is True else "" if value in (None, False) else value)
            for name, value in form.initial.items()
        }
        data.update(district=world.district.pk, refer_to="公安机关（派出所户籍窗口）")
        data["valid_from"] = certificate_type.valid_from.isoformat()
        response = as_user(district_officer).post(self.url(certificate_type), data)
        assert response.status_code == 302
        certificate_type.refresh_from_db()
        assert certificate_type.refer_to == "公安机关（派出所户籍窗口）"

    def test_a_body_with_unknown_fields_is_refused(self, as_user, district_officer, types, world):
        certificate_type = types[RESIDENCE]
        form = as_user(district_officer).get(self.url(certificate_type)).context["form"]
        data = {
            name: ("on" if value is True else "" if value in (None, False) else value)
            for name, value in form.initial.items()
        }
        data.update(district=world.district.pk, body="兹证明{name}月薪{salary}")
        data["valid_from"] = certificate_type.valid_from.isoformat()
        response = as_user(district_officer).post(self.url(certificate_type), data)
        assert response.status_code == 200 and "body" in response.context["form"].errors
        certificate_type.refresh_from_db()
        assert "{salary}" not in certificate_type.body


@pytest.mark.parametrize("n", [2, 20])
def test_counts_and_banned_pages_run_a_fixed_number_of_queries(
    as_user, official_a, make_request, world, django_assert_max_num_queries, n
):
    for i in range(n):
        make_request(world.community_a, NO_CRIME, institution=f"银行{i}")
        make_request(world.community_a2)
    client = as_user(official_a)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("certificates:summary")).status_code == 200
    with django_assert_max_num_queries(8):
        url = reverse("certificates:banned_demand", args=[world.street_a.pk])
        assert client.get(url).status_code == 200
