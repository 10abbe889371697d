"""The walk over every page: found from the links each user sees, one visit a route.

The page list is not kept by hand. Each user starts from the home page (anonymous
visitors from the public pages) and follows the links it is shown; a URL counts once per
URLconf route (`tasks:task_detail`), so 30 tasks make one visit. What the walk must have
reached is the URLconf itself: a new page no user reaches fails `unreached()` until it
is linked or listed in NOT_PAGES with its reason.

Every visit runs every check: Content-Security-Policy (Chromium's console), axe-core
(WCAG 2.1 A/AA; critical and serious findings) and the 375-px phone width. A walk that
repeats another's pages in a second language runs only axe's rules its words can break
(`words_only=True`, WORDS): the structure, the ARIA and the colours come from the same
templates and stylesheet whatever the language, and axe over them is two thirds of that
walk's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import axe_playwright_python
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 667}
# axe's WCAG 2.1 A/AA rules that read a page's words: every element's accessible name, the
# labels, the title and the language. axe refuses an id it does not know, so a rule renamed
# in a new axe fails the walk instead of going unchecked.
WORDS = [
    "document-title",
    "html-has-lang",
    "html-lang-valid",
    "html-xml-lang-mismatch",
    "valid-lang",
    "label",
    "link-name",
    "button-name",
    "input-button-name",
    "select-name",
    "summary-name",
    "image-alt",
    "input-image-alt",
    "role-img-alt",
    "svg-img-alt",
    "object-alt",
    "area-alt",
    "frame-title",
    "aria-command-name",
    "aria-input-field-name",
    "aria-toggle-field-name",
    "aria-meter-name",
    "aria-progressbar-name",
    "aria-tooltip-name",
]

# Links that change something or leave the HTML pages.
SKIP = ("/logout/", "/admin/", "export=", ".xlsx", ".pdf", "/pdf", "/qr", "/i18n/")

# Routes the walk does not open, each with its reason. Views that answer POST only
# (no `get`) need no entry: `unreached()` leaves them out by itself.
FILE = "a file to download, not a page"
PART = "a part of a page fetched by its script, not a page"
NOT_PAGES = {
    "logout": "POST only: logs out",
    "set_language": "POST only: the header's language button",
    "health_live": "plain-text probe for the load balancer",
    "health_ready": "plain-text probe for the load balancer",
    "paperwork_api:figures": "JSON API",
    "surveys:survey_state": "POST only",
    "surveys:question_action": "POST only",
    "certificates:request_revoke": "POST only (GET goes back to the request)",
    "paperwork:letter_send": "POST only (GET goes back to the sheet)",
    "committee:job_status": PART,
    "staff:staff_search": PART,
    "tasks:catalogue_suggest": PART,
    "certificates:type_suggest": PART,
    **dict.fromkeys(
        [
            "certificates:certificate_pdf",
            "certificates:note_pdf",
            "committee:job_download",
            "dashboards:community_report",
            "dashboards:community_workbook",
            "dashboards:refusal_note",
            "dashboards:street_office_report",
            "dashboards:street_office_workbook",
            "paperwork:demand_attachment",
            "paperwork:letter",
            "surveys:export_responses",
            "surveys:export_summary",
            "surveys:survey_qr_png",
            "surveys:survey_qr_svg",
        ],
        FILE,
    ),
}


@dataclass
class Walk:
    """What one user visited, in order, and every problem found on the way."""

    base: str
    visited: dict[str, str] = field(default_factory=dict)  # route → URL
    problems: list[str] = field(default_factory=list)


def route_of(url: str) -> str | None:
    try:
        return resolve(urlparse(url).path).view_name
    except Resolver404:
        return None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def same_site_links(html: str, url: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        link = urljoin(url, href).split("#")[0]
        if urlparse(link).netloc == urlparse(base).netloc and not any(s in link for s in SKIP):
            found.append(link)
    return found


def check(page, response, url: str, csp: list[str], *, words_only: bool = False) -> list[str]:
    """What is wrong with the page as drawn: status, CSP, width at 375 px, axe's worst
    (of the WORDS rules alone if `words_only`).

    Folded parts (a list's filters, a chart's figures) are opened first: they are
    part of the page too."""
    lang = page.evaluate("document.documentElement.lang")
    where = f"[{lang}] {url.removeprefix(urlparse(url)._replace(path='', query='').geturl())}"
    found = [f"{where}: HTTP {response.status}"] if not response.ok else []
    found += [f"{where}: {message}" for message in csp]
    csp.clear()
    page.evaluate("document.querySelectorAll('details:not([open])').forEach(d => d.open = true)")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        found.append(f"{where}: {width} px wide at {PHONE['width']} px")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    only = {"type": "rule", "values": WORDS} if words_only else {"type": "tag", "values": WCAG}
    options = {"runOnly": only, "resultTypes": ["violations"]}
    result = page.evaluate("opts => axe.run(document, opts)", options)
    for violation in result["violations"]:
        if violation["impact"] in ("critical", "serious"):
            for node in violation["nodes"][:3]:
                found.append(f"{where}: {violation['impact']} {violation['id']} {node['target']}")
    return found


def open_page(context):
    """A page of the context, with axe-core loaded in every document it opens."""
    context.add_init_script(script=AXE)
    return context.new_page()


def watch_csp(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def discover(
    page, base: str, starts: list[str], taken: set[str], *, words_only: bool = False
) -> Walk:
    """Open the start pages and every route not yet `taken` that their links lead to.

    A route another user's walk checked is only read over HTTP for its links (what this
    user is shown there may lead somewhere new); a route this user may not open (403: a
    record it may read but not change) is left to a user who may."""
    walk = Walk(base)
    csp = watch_csp(page)
    seen: set[str] = set()
    to_visit = [urljoin(base, start) for start in starts]
    for index, url in enumerate(to_visit):
        route = route_of(url)
        if route is None or route in seen:
            continue
        seen.add(route)
        if route in taken and index >= len(starts):
            answer = page.context.request.get(url)
            if answer.ok and answer.headers.get("content-type", "").startswith("text/html"):
                to_visit += same_site_links(answer.text(), url, base)
            continue
        response = page.goto(url)
        if response.status == 403:
            csp.clear()
            continue
        walk.visited[route] = url
        taken.add(route)
        walk.problems += check(page, response, url, csp, words_only=words_only)
        to_visit += same_site_links(page.content(), page.url, base)
    return walk


def _patterns(resolver=None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry, f"{namespace}{entry.name}"


def all_routes() -> set[str]:
    return {name for _pattern, name in _patterns()}


def answers_get(route: str) -> bool:
    """False for a class-based view that answers POST only (it has no `get`)."""
    for pattern, name in _patterns():
        if name == route:
            view = getattr(pattern.callback, "view_class", None)
            return view is None or (hasattr(view, "get") and "get" in view.http_method_names)
    return True


def unreached(visited: set[str]) -> list[str]:
    """Routes of the URLconf no walk opened, less the ones that are not pages."""
    left = set(all_routes()) - visited - set(NOT_PAGES)
    return sorted(route for route in left if answers_get(route))
