"""The tasks section's sub-navigation, showing each user the pages meant for their role."""

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation

from committee import scoping
from committee.roles import Role

register = template.Library()

COMMITTEE = (Role.STAFF, Role.CHAIR)

# The sub-navigation drawn, per language, page and role: it depends on nothing else, and
# every task page draws it (a template with seven links reversed).
_drawn: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def tasks_nav(context):
    request = context["request"]
    user = request.user
    everything = user.is_superuser
    shown = {
        "current": request.resolver_match.url_name if request.resolver_match else "",
        "committee": everything or scoping.has_role(user, *COMMITTEE),
        "reviewer": everything or scoping.has_role(user, Role.STREET_OFFICIAL),
    }
    key = (translation.get_language(), get_script_prefix(), *shown.values())
    drawn = _drawn.get(key)
    if drawn is None:
        drawn = _drawn[key] = render_to_string("tasks/_nav.html", shown)
    return drawn
