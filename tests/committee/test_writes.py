"""Every write goes through an app service (committee/services.py).

Two guards: the URLconf walk below fails for a view of ours that accepts a POST and names
no service (or names a function that is not one); the write guard (tests/writes.py, on in
every test) fails any test whose request saves a record outside a service, so a view that
names a service but saves by itself is caught by its own tests.
"""

import inspect

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from committee.models import Community
from committee.services import is_service, save_community
from tests.writes import OUR_APPS, WriteOutsideService


def our_views(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from our_views(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "view_class", entry.callback)
            if view.__module__.split(".")[0] in OUR_APPS:
                yield f"{namespace}{entry.name}", view


def accepts_post(view) -> bool:
    if inspect.isclass(view):
        return "post" in view.http_method_names and hasattr(view, "post")
    return "POST" in inspect.getsource(inspect.unwrap(view))


def named_services(view) -> list:
    found = list(getattr(view, "services", ()))
    if getattr(view, "service", None) is not None:
        found.append(view.service)
    return found


def test_every_view_that_takes_a_post_writes_through_a_named_service():
    views = dict(our_views())
    assert "funds:income_add" in views and "surveys:public_form" in views  # the walk is real
    posting = {name: view for name, view in views.items() if accepts_post(view)}
    assert len(posting) > 30
    missing = sorted(name for name, view in posting.items() if not named_services(view))
    assert not missing, f"POST views that name no service: {missing}"
    not_services = sorted(
        f"{name}: {getattr(s, '__name__', s)}"
        for name, view in posting.items()
        for s in named_services(view)
        if not is_service(s)
    )
    assert not not_services, f"named, but not marked @service: {not_services}"


def test_the_guard_stops_a_request_that_saves_by_itself(world, client, settings):
    def saves_in_the_view(request):
        world.community_a.residents = 1
        world.community_a.save()
        return HttpResponse("ok")

    from django.core.handlers.base import BaseHandler

    handler = BaseHandler()
    handler.load_middleware()
    handler._middleware_chain = saves_in_the_view
    with pytest.raises(WriteOutsideService, match="Community"):
        handler.get_response(RequestFactory().post("/"))
    world.community_a.refresh_from_db()
    assert world.community_a.residents != 1


def test_the_guard_lets_a_service_write(world, chair_a):
    def saves_through_the_service(request):
        world.community_a.residents = 4321
        save_community(world.community_a, user=chair_a)
        return HttpResponse("ok")

    from django.core.handlers.base import BaseHandler

    handler = BaseHandler()
    handler.load_middleware()
    handler._middleware_chain = saves_through_the_service
    assert handler.get_response(RequestFactory().post("/")).status_code == 200
    assert Community.objects.get(pk=world.community_a.pk).residents == 4321
