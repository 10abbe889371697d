"""What an app process would otherwise do on its first requests, done once before forking.

gunicorn loads the app in its master process and forks the workers from it
(``preload_app``, gunicorn.conf.py), and replaces each worker after ``max_requests``
requests. Django imports the URLconf (and with it every view), compiles each URL
pattern's regular expression, reads the translation catalogues and compiles the
templates only when a request first needs them, so each new worker paid for them again:
under the public survey's load (``make load``) that was a quarter of the workers' CPU.
``warm`` does it in the master, so every worker starts with them.

What a first request still did in each worker, seen with py-spy under ``make load``
(benchmarks/RESULTS.md, load-13e), ~0.7 s of CPU a worker, and now done here too:
the URL names and namespaces each language reverses (``reverse`` fills them per
language: the public form's redirect to its thanks page), the form renderer's own
template engine (it imports every app's template tag libraries) and the widget
templates, and the regular expressions Django compiles on first use
(``get_language_from_path``, a response's charset).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import django
from django.conf import settings
from django.db import connections
from django.forms.renderers import get_default_renderer
from django.http import HttpResponse
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def warm() -> int:
    """Import the URLconf, compile its patterns and the project's templates, read every
    language's catalogue, fill what reversing a URL needs per language; returns how many
    templates were compiled."""
    resolver = get_resolver()
    names = list(_one_name_per_namespace(resolver))
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Survey")  # reads the catalogue
            translation.get_language_from_path("/")  # compiles its pattern
            # A path no pattern matches tries (and compiles) every pattern.
            with suppress(Resolver404):
                resolver.resolve("/juwei-warm-up/nothing/here/")
            for name in names:  # fills this language's names of the namespace
                with suppress(NoReverseMatch):
                    reverse(name)
    HttpResponse("", content_type="text/html; charset=utf-8").content  # noqa: B018
    templates = 0
    for name in _project_templates():
        templates += _compiled(get_template, name)
    renderer = get_default_renderer()
    forms = Path(django.__file__).parent / "forms" / "templates"
    for path in sorted(forms.rglob("*.html")):
        templates += _compiled(renderer.get_template, path.relative_to(forms).as_posix())
    connections.close_all()  # a forked worker must never share the master's connection
    return templates


def _project_templates() -> Iterator[str]:
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            yield path.relative_to(folder).as_posix()


def _compiled(get, name: str) -> int:
    try:
        get(name)
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        logger.warning("template %s not compiled ahead: %s", name, error)
        return 0
    return 1


def _one_name_per_namespace(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    """A URL name of each namespace (``surveys:…``, nested ones too), as ``reverse`` takes
    it: reversing it fills the namespace's names for the current language."""
    named = False
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace:
                yield from _one_name_per_namespace(pattern, f"{prefix}{pattern.namespace}:")
            elif not named:  # an include without a namespace: its names are this one's
                for name in _one_name_per_namespace(pattern, prefix):
                    named = named or name.count(":") == prefix.count(":")
                    yield name
        elif pattern.name and not named and prefix:
            named = True
            yield f"{prefix}{pattern.name}"
