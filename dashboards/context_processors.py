"""The header's 待办 count (dashboards/inbox.py): a fixed number of queries per page."""

from dashboards import inbox as inbox_lists


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_count": lambda: inbox_lists.count(user)}
