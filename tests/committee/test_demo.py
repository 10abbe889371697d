from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from committee.models import Community
from tests import snapshots


def counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin", "contenttypes"}
    }


def test_load_demo_is_idempotent_and_scoped_as_promised(db):
    snapshots.demo_in_transaction()  # what a first load_demo makes (tests/snapshots.py)
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first

    users = get_user_model().objects
    aiguo = Community.objects.get(name="爱国社区")
    assert (aiguo.area_km2, aiguo.residents >= 8000) == (aiguo.area_km2.__class__("1.50"), True)

    def seen(username):
        return sorted(
            Community.objects.visible_to(users.get(username=username)).values_list(
                "name", flat=True
            )
        )

    assert seen("aiguo") == ["爱国社区"]
    assert seen("aiguo_chair") == ["爱国社区"]
    assert seen("heping") == ["和平社区"]
    assert seen("street") == ["和平社区", "爱国社区"]
    assert len(seen("street2")) == 4 and "爱国社区" not in seen("street2")
    assert len(seen("district")) == 6
    assert all(users.get(username=u).check_password("juwei-demo") for u in ("aiguo", "street"))
