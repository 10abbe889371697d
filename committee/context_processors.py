"""What every page's header needs: the navigation and where the user stands."""

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from committee import accounts, lockouts, scoping
from committee.roles import ROLE_ACTIONS, Action


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        {
            "label": label,
            "url": url,
            "order": order,
            "active": bool(url) and request.path.startswith(url),
        }
        for label, url, order in _sections()
    ]
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


_found: dict[tuple, list] = {}


def _sections() -> list[tuple]:
    """(label, address, order) of each app's section, in order: the addresses reversed
    once per URLconf and script prefix, not on every page."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    found = _found.get(key)
    if found is None:
        found = []
        for config in apps.get_app_configs():
            label = getattr(config, "nav_label", None)
            if not label:
                continue
            try:
                url = reverse(config.nav_url_name)
            except NoReverseMatch:
                url = None
            found.append((label, url, getattr(config, "nav_order", 99)))
        found.sort(key=lambda section: section[2])
        _found[key] = found
    return found
