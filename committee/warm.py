"""What an app process would otherwise do on its first requests, done once before forking.

gunicorn loads the app in its master process and forks the workers from it
(``preload_app``, gunicorn.conf.py), and replaces each worker after ``max_requests``
requests. Django imports the URLconf (and with it every view), compiles each URL
pattern's regular expression, reads the translation catalogues and compiles the
templates only when a request first needs them, so each new worker paid for them again:
under the public survey's load (``make load``) that was a quarter of the workers' CPU.
``warm`` does it in the master, so every worker starts with them.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import Resolver404, get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def warm() -> int:
    """Import the URLconf, compile its patterns and the project's templates, read every
    language's catalogue; returns how many templates were compiled."""
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Survey")  # reads the catalogue
            # A path no pattern matches tries (and compiles) every pattern.
            with suppress(Resolver404):
                resolver.resolve("/juwei-warm-up/nothing/here/")
    templates = 0
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            try:
                get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                logger.warning("template %s not compiled ahead: %s", name, error)
                continue
            templates += 1
    connections.close_all()  # a forked worker must never share the master's connection
    return templates
