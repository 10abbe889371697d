"""gunicorn's master compiles what each worker would otherwise compile on its first requests."""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver

from committee.warm import warm


def test_it_compiles_every_template_and_loads_the_urlconf_before_the_workers_fork():
    folder = Path(settings.TEMPLATES[0]["DIRS"][0])
    assert warm() == len(list(folder.rglob("*.html")))
    loader = engines["django"].engine.template_loaders[0]
    assert "surveys/public_form.html" in {key.split("-")[0] for key in loader.get_template_cache}
    assert "url_patterns" in get_resolver().__dict__  # imported, with every view
