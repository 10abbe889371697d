"""The 一表通 pull answers only for its key's district; everything else is refused."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from paperwork import api, services
from paperwork.models import ApiToken
from tests.conftest import TEST_TODAY
from tests.factories import CommunityFactory, DistrictFactory, StreetOfficeFactory

URL = reverse("paperwork_api:figures")


@pytest.fixture
def key(world):
    _token, key = services.create_api_token(district=world.district, name="省一表通")
    return key


@pytest.fixture
def elsewhere(db):
    other = DistrictFactory(name="别区")
    return CommunityFactory(street_office=StreetOfficeFactory(district=other), name="别社区")


def get(client, key=None, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(URL, params, headers=headers)


def test_it_returns_only_the_district_of_its_key(client, world, key, elsewhere, make_return):
    as_of = TEST_TODAY - timedelta(days=14)
    make_return(world.community_a, "区民政局", ["常住人口"], as_of, {"常住人口": "8200"})
    body = get(client, key).json()
    assert body["version"] == "1" and body["district"]["name"] == world.district.name
    names = {r["community"]["name"] for r in body["results"]}
    assert names == {"甲社区", "甲二社区", "乙社区"}
    [mine] = [r for r in body["results"] if r["community"]["name"] == "甲社区"]
    figure = next(f for f in mine["figures"] if f["item"] == "常住人口")
    assert figure | {"definition": None} == {
        "item": "常住人口",
        "definition": None,
        "owner": "区统计局",
        "unit": "",
        "value": "8200",
        "as_of": as_of.isoformat(),
        "valid_until": (as_of + timedelta(days=180)).isoformat(),  # the item's 180 days
        "current": True,
        "last_sent_to": "区民政局",
    }


def test_no_key_or_a_wrong_one_is_401(client, world, key):
    missing = get(client)
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert get(client, "jw_wrong").status_code == 401
    assert client.get(URL, headers={"Authorization": key}).status_code == 401  # no scheme
    ApiToken.objects.update(revoked_at=timezone.now())
    assert get(client, key).status_code == 401


def test_another_districts_community_is_403(client, world, key, elsewhere):
    assert get(client, key, community=elsewhere.code).status_code == 403
    mine = get(client, key, community=world.community_a.code)
    assert [r["community"]["name"] for r in mine.json()["results"]] == ["甲社区"]


def test_only_the_hash_of_a_key_is_stored(world, key):
    stored = ApiToken.objects.get()
    assert key not in stored.key_hash and stored.key_hash == services.hash_key(key)


def test_it_is_paged(client, world, key, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 2)
    first = get(client, key).json()
    assert (first["count"], first["pages"], len(first["results"])) == (3, 2, 2)
    assert first["next"].endswith("?page=2")
    second = get(client, key, page=2).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert get(client, key, page=9).status_code == 404


def test_it_is_rate_limited(client, world, key, settings):
    settings.PAPERWORK_API_CALLS_PER_MINUTE = 2
    assert [get(client, key).status_code for _ in range(3)] == [200, 200, 429]


def test_it_is_read_only(client, world, key):
    response = client.post(URL, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in (403, 405)


def test_the_command_prints_a_key_once(world):
    out = StringIO()
    call_command("paperwork_token", world.district.code, stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert ApiToken.objects.filter(key_hash=services.hash_key(key)).exists()
