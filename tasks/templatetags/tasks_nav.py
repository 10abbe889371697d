"""The tasks section's sub-navigation, showing each user the pages meant for their role."""

from django import template

from committee import scoping
from committee.roles import Role

register = template.Library()

COMMITTEE = (Role.STAFF, Role.CHAIR)


@register.inclusion_tag("tasks/_nav.html", takes_context=True)
def tasks_nav(context):
    request = context["request"]
    user = request.user
    everything = user.is_superuser
    return {
        "current": request.resolver_match.url_name if request.resolver_match else "",
        "committee": everything or scoping.has_role(user, *COMMITTEE),
        "reviewer": everything or scoping.has_role(user, Role.STREET_OFFICIAL),
    }
