"""The 一表通 pull: a district's current figures, read-only, versioned, paged, by key.

``GET /api/v1/paperwork/figures/?page=1[&community=CODE]`` with
``Authorization: Bearer <key>``. A key belongs to one district and answers only for its
communities: no key or an unknown or revoked one is 401, another district's community
403, more than PAPERWORK_API_CALLS_PER_MINUTE calls in a minute 429. Only the key's
SHA-256 is stored. docs/api.md describes the answer.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views import View

from committee.models import Community
from paperwork import services, sheets
from paperwork.models import ApiToken, DataItem

API_VERSION = "1"
PAGE_SIZE = 20


def _error(status: int, code: str, message: str, **headers) -> JsonResponse:
    response = JsonResponse(
        {"version": API_VERSION, "error": code, "message": message}, status=status
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _token(request) -> ApiToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return (
        ApiToken.objects.filter(key_hash=services.hash_key(key.strip()), revoked_at__isnull=True)
        .select_related("district")
        .first()
    )


def _figure(figure: sheets.Figure) -> dict:
    return {
        "item": figure.item.name,
        "definition": figure.item.definition,
        "owner": figure.item.owner,
        "unit": figure.item.unit,
        "value": figure.value,
        "as_of": figure.value_on.isoformat() if figure.value_on else None,
        "valid_until": figure.valid_until.isoformat() if figure.valid_until else None,
        "current": figure.current,
        "last_sent_to": figure.sent_to,
    }


class FiguresView(View):
    """One page of the key's district: each community and its current figures."""

    services = (services.note_api_call,)
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        token = _token(request)
        if token is None:
            return _error(
                401,
                "unauthorized",
                "Send a valid key: Authorization: Bearer <key>.",
                WWW_Authenticate='Bearer realm="juwei"',
            )
        communities = Community.objects.filter(street_office__district=token.district)
        code = request.GET.get("community")
        if code:
            found = Community.objects.filter(code=code).select_related("street_office").first()
            if found is None or found.street_office.district_id != token.district_id:
                return _error(403, "forbidden", "This key does not cover that community.")
            communities = communities.filter(pk=found.pk)
        if not services.note_api_call(token=token):
            return _error(429, "rate_limited", "Too many calls; wait a minute.", Retry_After="60")
        paginator = Paginator(
            communities.select_related("street_office").order_by("code"), PAGE_SIZE
        )
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger):
            return _error(404, "no_such_page", "No such page.")
        items = DataItem.objects.filter(district=token.district).order_by("name")
        found = sheets.figures(page.object_list, items)
        base = request.build_absolute_uri(reverse("paperwork_api:figures"))
        extra = f"&community={code}" if code else ""
        return JsonResponse(
            {
                "version": API_VERSION,
                "district": {"code": token.district.code, "name": token.district.name},
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "next": f"{base}?page={page.next_page_number()}{extra}"
                if page.has_next()
                else None,
                "results": [
                    {
                        "community": {
                            "code": c.code,
                            "name": c.name,
                            "street_office": c.street_office.name,
                        },
                        "figures": [_figure(f) for f in found[c.pk]],
                    }
                    for c in page.object_list
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )
