"""Every URL that takes an object key must have a scoping test (tests/scoping.py)."""

import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.scoping import COVERED

# Django's own pages with keys, guarded by the admin's staff check or by a signed token.
NOT_OURS = ("admin",)


def keyed_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in NOT_OURS:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from keyed_url_names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.pattern.converters and entry.name:
            yield f"{namespace}{entry.name}"


def import_all_tests():
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            importlib.import_module(module.name)


def test_every_keyed_url_has_a_scoping_test():
    import_all_tests()
    names = set(keyed_url_names())
    assert "committee:community_detail" in names  # the walk finds real patterns
    missing = sorted(names - COVERED)
    assert not missing, f"URLs with an object key and no scoping test: {missing}"
