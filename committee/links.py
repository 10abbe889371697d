"""A record's page address without a ``reverse()`` per record.

A list of 50 rows links every row to its record: ``reverse()`` walks the URL patterns
each time, and those calls were a tenth of a list page. ``record_url(name, pk)`` reverses
the pattern once (per URLconf, script prefix and language) and puts each id in its place,
the same address ``reverse(name, args=[pk])`` gives for a whole-number id.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_MARK = 987654321987  # an id no pattern writes on its own
_TEMPLATES: dict[tuple, tuple[str, str] | None] = {}


def record_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a pattern with one whole-number id."""
    key = (name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    try:
        template = _TEMPLATES[key]
    except KeyError:
        head, found, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
        template = _TEMPLATES[key] = (head, tail) if found and str(_MARK) not in tail else None
    if template is None or type(pk) is not int:
        return reverse(name, args=[pk])
    return f"{template[0]}{pk}{template[1]}"
