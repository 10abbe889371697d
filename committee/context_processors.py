"""What every page's header needs: the navigation and where the user stands."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from committee import accounts, lockouts, scoping
from committee.roles import ROLE_ACTIONS, Action


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for config in apps.get_app_configs():
        label = getattr(config, "nav_label", None)
        if not label:
            continue
        try:
            url = reverse(config.nav_url_name)
        except NoReverseMatch:
            url = None
        items.append(
            {
                "label": label,
                "url": url,
                "order": getattr(config, "nav_order", 99),
                "active": bool(url) and request.path.startswith(url),
            }
        )
    items.sort(key=lambda item: item["order"])
    units = [{"unit": str(m.unit), "role": m.get_role_display()} for m in scoping.memberships(user)]
    may_audit = user.is_superuser or any(
        Action.AUDIT in ROLE_ACTIONS[m.role] for m in scoping.memberships(user)
    )
    return {
        "nav_items": items,
        "user_units": units,
        "may_unlock": lockouts.may_unlock(user),
        "may_manage_accounts": accounts.may_manage_accounts(user),
        "may_audit": may_audit,
    }
