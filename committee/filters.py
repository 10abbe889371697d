import copy
import threading
import time
from collections import OrderedDict

import django_filters
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.models import Community, Department, District, Membership, StreetOffice
from committee.widgets import fast_widgets


class CommunityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    street_office = django_filters.ModelChoiceFilter(
        queryset=StreetOffice.objects.all(), label=_("Street office")
    )

    class Meta:
        model = Community
        fields = ["q", "street_office"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            visible = Community.objects.visible_to(request.user).values("street_office")
            self.filters["street_office"].queryset = StreetOffice.objects.filter(pk__in=visible)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(address__icontains=value)
        )


# A district officer of a city sees 2,000 communities: a drop-down of them all was most of
# a small list's page. Past this many, the community is typed instead.
MANY_COMMUNITIES = 200


class CommunitySearchFilter(django_filters.CharFilter):
    """A community typed by name or code (or its id, which links carry), among the
    communities the list offered."""

    def __init__(self, *, communities, **kwargs):
        super().__init__(**kwargs)
        self.communities = communities

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if value.isdigit():
            found = self.communities.filter(pk=int(value))
        else:
            found = self.communities.filter(Q(name__icontains=value) | Q(code__icontains=value))
        return qs.filter(**{f"{self.field_name}__in": found.values("pk")})


class _CopiedFilters(dict):
    """A filter set class's filters, copied for each filter set one by one instead of
    deep-copied (django-filter deep-copies every filter, its choices, widget and lazy
    label, on each request). A filter set only sets attributes of its own copies (their
    queryset, parent, model); the one dict a filter fills in (``extra``) is copied too,
    and a filter with a ``method`` gets its own bound to the copy."""

    def __deepcopy__(self, memo):
        copied = {}
        for name, original in self.items():
            one = copy.copy(original)
            one.extra = dict(original.extra)
            one.__dict__.pop("_field", None)
            if original.method is not None:
                one.method = original.method  # a FilterMethod bound to this copy
            copied[name] = one
        return copied


def copy_filters_one_by_one(filterset_class) -> None:
    """Let ``filterset_class`` copy its filters for each request as ``_CopiedFilters`` does."""
    if type(filterset_class.__dict__.get("base_filters")) is not _CopiedFilters:
        filterset_class.base_filters = _CopiedFilters(filterset_class.base_filters)


def type_communities_when_many(filterset) -> None:
    """Swap a list's community drop-down for a typed filter when it would list too many.

    The communities are read once, up to one past the limit: either they are the
    drop-down's options as they are, or there are too many and none is listed.
    """
    limit = MANY_COMMUNITIES
    offered = filterset.filters.get("community")
    if not isinstance(offered, django_filters.ModelChoiceFilter):
        return
    communities = offered.queryset
    if not isinstance(communities, QuerySet):
        return
    request = getattr(filterset, "request", None)
    key = None if request is None else ("communities", type(filterset), *scope_key(request))
    choices = kept(key)
    if choices is None:
        choices = _community_choices(filterset, communities, limit)
        keep(key, choices)
    if choices is MANY:
        typed = CommunitySearchFilter(
            communities=communities, field_name=offered.field_name, label=offered.label
        )
        typed.model, typed.parent = offered.model, offered.parent
        filterset.filters["community"] = typed
        return
    filterset.community_choices = choices  # the drop-down's options, once it is drawn


def drawable_form(filterset):
    """The filter set's form, ready to be drawn: its community options (read once, see
    ``type_communities_when_many``), its widgets drawn in Python, and the key its drawing
    is kept under. The form is made only here or when the filter's data is checked: a
    list opened with no filter whose drawing is kept needs no form at all."""
    form = filterset.form
    choices = getattr(filterset, "community_choices", None)
    if choices is not None:
        form.fields["community"].widget.choices = choices
    fast_widgets(form)
    form.kept_key = getattr(filterset, "kept_key", None)
    return form


MANY = "many"  # more communities than a drop-down lists


def _community_choices(filterset, communities, limit: int) -> list | str:
    found = list(communities[: limit + 1])
    if len(found) > limit:
        return MANY
    field = filterset.form.fields["community"]
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    return empty + [
        (field.prepare_value(community), field.label_from_instance(community))
        for community in found
    ]


# A list's filter form, drawn, and its community choices, kept in this process for a
# minute: the same user opening the same list with the same filter gets the same form, and
# drawing it (its communities and departments read, a select per field) was a fifth of a
# street official's task list. A saved or deleted district, street office, community,
# department or membership forgets them all at once in this process; in other processes (or
# after a bulk update, which sends no signal) the form shows the old names for a minute
# at most. Only the drawing is kept: a chosen value is still checked against the user's
# scope by the form's own query.
KEEP_SECONDS = 60
KEEP_MOST = 512
_kept: OrderedDict = OrderedDict()
_revision = [0]
_lock = threading.Lock()  # a process's threads share what is kept


def forget_kept(**kwargs) -> None:
    """Forget every kept form and choice (a receiver of the models' saves and deletes)."""
    with _lock:
        _revision[0] += 1
        _kept.clear()


for _model in (District, StreetOffice, Community, Department, Membership):
    post_save.connect(forget_kept, sender=_model, dispatch_uid=f"forget_kept_{_model.__name__}")
    post_delete.connect(forget_kept, sender=_model, dispatch_uid=f"forget_kept_{_model.__name__}")


def scope_key(request) -> tuple:
    """What a user's choices depend on: who they are, their memberships, the day."""
    user = request.user
    units = tuple(
        sorted(
            (m.role, m.district_id or 0, m.street_office_id or 0, m.community_id or 0)
            for m in scoping.memberships(user)
        )
    )
    return user.pk, user.is_superuser, units, timezone.localdate(), _revision[0]


def kept(key):
    """What ``keep(key, …)`` kept, if it is still fresh; None otherwise."""
    if key is None:
        return None
    found = _kept.get(key)
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def keep(key, value) -> None:
    if key is None:
        return
    with _lock:
        _kept[key] = (time.monotonic() + KEEP_SECONDS, value)
        _kept.move_to_end(key)
        while len(_kept) > KEEP_MOST:
            _kept.popitem(last=False)


def form_key(filterset) -> tuple | None:
    """The key a filter form's drawing is kept under: the user's scope and language, and
    the form's own data (the page and the sort left out); None when there is no request."""
    request = getattr(filterset, "request", None)
    if request is None:
        return None
    data = tuple(
        (name, tuple(values))
        for name, values in sorted(request.GET.lists())
        if name not in ("page", "sort", "export")
    )
    return ("form", type(filterset), *scope_key(request), translation.get_language(), data)


def keep_form_class(filterset) -> None:
    """Make the filter set's form from a form class kept for its scope and language.

    django-filter makes a form class for every filter set (a field per filter, then a new
    class); with the same filters, scope and language it is the same class. A form made
    from it copies its fields as any form does, so nothing of one request's form is
    another's.
    """
    request = getattr(filterset, "request", None)
    if request is None:
        return
    key = (
        "form-class",
        type(filterset),
        translation.get_language(),
        tuple((name, type(one)) for name, one in filterset.filters.items()),
        *scope_key(request),
    )
    form_class = kept(key)
    if form_class is None:
        form_class = filterset.get_form_class()
        keep(key, form_class)
    filterset.get_form_class = lambda: form_class
