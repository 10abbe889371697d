"""Words and numbers as a reader expects them, in both languages (issue 18, point 7)."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from committee.models import Community
from tasks.models import ReceivedVia
from tests.surveys.factories import every_kind_survey
from tests.tasks.factories import TaskFactory


def english(client: Client) -> Client:
    client.post(reverse("set_language"), {"language": "en"})
    return client


def test_the_phone_channel_is_a_phone_call_not_a_number():
    with translation.override("zh-hans"):
        assert str(ReceivedVia.PHONE.label) == "电话"
    with translation.override("en"):
        assert str(ReceivedVia.PHONE.label) == "phone call"


def test_the_english_public_form_says_submit_once(client, world):
    survey = every_kind_survey(community=world.community_a)
    url = reverse("surveys:public_form", args=[survey.token])
    chinese = client.get(url).content.decode()
    assert re.search(r"提交 <span lang=\"en\">Submit</span>", chinese)
    page = english(client).get(url).content.decode()
    button = re.search(r"<button type=\"submit\" class=\"primary submit-big\">(.*?)</button>", page)
    assert button.group(1).strip() == "Submit"


def _column_headers(page: str) -> list[str]:
    headers = re.findall(r"<thead.*?</thead>", page, re.S)
    cells = re.findall(r"<th[^>]*>(?:<a[^>]*>)?([^<]+)", "".join(headers))
    return [cell.strip() for cell in cells if cell.strip()]


def test_english_table_headers_start_with_a_capital(
    as_user, staff_a, official_a, district_officer, world
):
    TaskFactory(community=world.community_a)
    pages = [
        (staff_a, reverse("tasks:task_list")),
        (official_a, reverse("dashboards:street_office", args=[world.street_a.pk])),
        (district_officer, reverse("dashboards:district", args=[world.district.pk])),
    ]
    for user, url in pages:
        headers = _column_headers(english(as_user(user)).get(url).content.decode())
        assert headers and all(h[0].isupper() for h in headers if h[0].isalpha()), (url, headers)


def test_import_pages_list_optional_columns_in_each_language(as_user, staff_a):
    client = as_user(staff_a)
    chinese = client.get(reverse("tasks:task_import")).content.decode()
    assert "（可选）" in chinese and "(optional)" not in chinese
    page = english(client).get(reverse("tasks:task_import")).content.decode()
    assert "、" not in page.split("Columns", 1)[1].split("</p>", 1)[0]
    assert " (optional)" in page


def test_record_counts_have_thousands_separators(as_user, district_officer, world):
    Community.objects.bulk_create(
        Community(street_office=world.street_a, name=f"社区{n}", code=f"X{n:05d}")
        for n in range(1000)
    )
    page = as_user(district_officer).get(reverse("committee:community_list")).content.decode()
    assert "共 1,003 条记录" in page


def test_the_demo_login_page_lists_the_demo_users(client, settings, world):
    from committee.demo import DEMO_PASSWORD
    from tests.factories import UserFactory

    UserFactory(username="aiguo", first_name="爱国社区 张敏")
    settings.DEMO_LOGINS = True
    page = client.get(reverse("login")).content.decode()
    assert "<code>aiguo</code> · 爱国社区 张敏" in page and DEMO_PASSWORD in page

    settings.DEMO_LOGINS = False
    page = client.get(reverse("login")).content.decode()
    assert "aiguo" not in page and DEMO_PASSWORD not in page


def test_the_password_change_page_is_linked_from_the_header(as_user, staff_a):
    page = as_user(staff_a).get(reverse("dashboards:inbox")).content.decode()
    assert f'href="{reverse("password_change")}"' in page


def test_dates_and_times_are_written_one_way_in_both_languages():
    """A date a page writes without naming a format, and a table's date-time column, read
    as the lists, PDFs and workbooks do: 2026-03-01, 2026-03-01 09:30."""
    from datetime import date, datetime

    import django_tables2 as tables
    from django.template import Context, Template
    from django.utils import timezone

    moment = timezone.make_aware(datetime(2026, 3, 1, 9, 30))

    class Timestamps(tables.Table):
        at = tables.DateTimeColumn()

    for language in ("zh-hans", "en"):
        with translation.override(language):
            page = Template("{{ day }} {{ moment }}").render(
                Context({"day": date(2026, 3, 1), "moment": moment})
            )
            assert page == "2026-03-01 2026-03-01 09:30", language
            table = Timestamps([{"at": moment}])
            assert table.rows[0].get_cell("at") == "2026-03-01 09:30", language


def test_grouped_numbers_have_a_comma_in_both_languages():
    """A report's residents, hours and counts read 13,800 in Chinese as in English (and as
    money does); Django's own Chinese formats grouped by nothing."""
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert number_format(13800, 0, force_grouping=True) == "13,800"
            assert number_format(11455.5, 2, force_grouping=True) == "11,455.50"
            assert number_format(13800, 0) == "13800"  # ungrouped unless asked: inputs stay
