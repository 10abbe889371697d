"""gunicorn's master compiles what each worker would otherwise compile on its first requests."""

from pathlib import Path
from unittest import mock

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from committee.warm import warm


def test_it_compiles_every_template_and_loads_the_urlconf_before_the_workers_fork():
    folder = Path(settings.TEMPLATES[0]["DIRS"][0])
    project = len(list(folder.rglob("*.html")))
    assert warm() > project  # the project's templates and the form renderer's
    loader = engines["django"].engine.template_loaders[0]
    assert "surveys/public_form.html" in {key.split("-")[0] for key in loader.get_template_cache}
    assert "url_patterns" in get_resolver().__dict__  # imported, with every view
    widgets = get_default_renderer().engine.engine.template_loaders[0]
    assert "django/forms/widgets/radio.html" in {
        key.split("-")[0] for key in widgets.get_template_cache
    }


def test_a_worker_reverses_urls_in_every_language_without_filling_them_first():
    warm()
    with mock.patch.object(URLResolver, "_populate", side_effect=AssertionError("filled")):
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                assert reverse("surveys:public_thanks", args=["abc"]).endswith("/abc/thanks/")
                assert reverse("tasks:task_list") == "/tasks/"
