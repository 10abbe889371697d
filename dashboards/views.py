"""Dashboards: Home's landing, the community, street-office and district pages, thresholds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from committee import rollups, scoping, versions
from committee.generic import scoped_object_or_404
from committee.models import Community, District, StreetOffice
from committee.periods import KINDS, Period
from committee.roles import Action, Role
from dashboards import figure_cache, inbox, page_figures, panels, reminders, services
from dashboards.flags import (
    SPECS,
    flags,
    worst,
)
from dashboards.forms import ThresholdForm
from dashboards.models import Threshold
from dashboards.tables import CommunityFlagTable, FlagTable


def landing_url(user) -> str:
    """Where Home sends a user: the dashboard of the highest unit they belong to."""
    ranked = sorted(
        scoping.memberships(user),
        key=lambda m: {Role.DISTRICT_OFFICER: 0, Role.STREET_OFFICIAL: 1}.get(m.role, 2),
    )
    if ranked:
        m = ranked[0]
        if m.district_id:
            return reverse("dashboards:district", args=[m.district_id])
        if m.street_office_id:
            return reverse("dashboards:street_office", args=[m.street_office_id])
        return reverse("dashboards:community", args=[m.community_id])
    if user.is_superuser:
        first = District.objects.order_by("code").first()
        if first is not None:
            return reverse("dashboards:district", args=[first.pk])
    return reverse("committee:community_list")


@login_required
def home(request):
    """Home: staff and chairs land on their community, officials on their street office…"""
    return redirect(landing_url(request.user))


def period_context(period: Period) -> dict:
    """What every dashboard's period picker draws with."""
    return {
        "period": period,
        "period_kinds": KINDS,
        "previous_period": period.shifted(-1),
        "next_period": period.shifted(1),
    }


def draw_body(template_name: str, context: dict, request) -> str:
    """A page's body, kept drawn in the figure cache: drawn with the page's own context and
    the request (its query: the tables' links) but no context processor (nothing of the
    user's: the body is shown to whoever may see the unit)."""
    return get_template(template_name).render({**context, "request": request})


def street_office_body(office: StreetOffice, context: dict, request) -> SafeString:
    """The street-office page's body: kept drawn, else drawn from its kept figures, else
    from figures computed now (``figure_cache.Kept``). ``context``: the period's
    (``period_context``); ``request``: its query (the tables' links and sort). A worker
    draws it too, ahead of the visit (``dashboards/refresh.py``)."""
    period = context["period"]
    communities = Community.objects.filter(street_office=office)
    kept = figure_cache.Kept(
        "street_office", office.pk, communities, period, request.GET, eager=True
    )
    body = kept.body()
    if body is not None:
        return body
    found = kept.figures(lambda reuse: page_figures.street_office(communities, period, reuse))
    totals = found["flags"]
    kinds = [f.kind for f in totals]
    table = FlagTable(found["rows"], kinds, {f.kind: f for f in totals})
    table.paginate = False
    table.order_by = request.GET.get("sort", "-worst")
    drawn = {**context, "table": table, "flags": totals, "panels": found["panels"]}
    return kept.keep_body(draw_body("dashboards/_street_office_body.html", drawn, request))


def district_body(district: District, context: dict, request, per_page: int, worst: int):
    """The district page's body, as ``street_office_body``: its street offices a page at a
    time, and its ``worst`` communities beneath."""
    period = context["period"]
    communities = Community.objects.filter(street_office__district=district)
    kept = figure_cache.Kept("district", district.pk, communities, period, request.GET)
    body = kept.body()
    if body is not None:
        return body
    found = kept.figures(
        lambda reuse: page_figures.district(district, communities, period, worst, reuse)
    )
    totals = found["flags"]
    kinds = [f.kind for f in totals]
    table = FlagTable(found["office_rows"], kinds, {f.kind: f for f in totals})
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    drawn = {
        **context,
        "table": table,
        "worst_table": CommunityFlagTable(found["worst"], kinds, {}),
        "worst_count": len(found["worst"]),
        "flags": totals,
        "panels": found["panels"],
    }
    return kept.keep_body(draw_body("dashboards/_district_body.html", drawn, request))


class DashboardView(LoginRequiredMixin, TemplateView):
    """What every dashboard shares: the period from the URL, kept in every link."""

    def get_period(self) -> Period:
        return Period.from_query(self.request.GET, timezone.localdate())

    def get(self, request, *args, **kwargs):
        # The page's flags and panels share their reads of the rollups (same communities,
        # same period): a district page would otherwise read them once per figure.
        with rollups.shared():
            context = self.get_context_data(**kwargs)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(period_context(self.get_period()))
        return context


class CommunityDashboardView(DashboardView):
    """One community: its flags first, then each question's figures and trend."""

    template_name = "dashboards/community.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = scoped_object_or_404(
            Community.objects.visible_to(self.request.user).select_related(
                "street_office__district"
            ),
            pk=self.kwargs["pk"],
        )
        period = context["period"]
        group = Community.objects.filter(pk=community.pk)
        community_flags = flags(group, period.start, period.end)
        context.update(
            community=community,
            flags=community_flags,
            worst=worst(community_flags),
            panels=panels.community_panels(group, period),
        )
        return context


class StreetOfficeDashboardView(DashboardView):
    """One row per community of a street office, the worst first."""

    template_name = "dashboards/street_office.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        office = scoped_object_or_404(
            StreetOffice.objects.visible_to(self.request.user).select_related("district"),
            pk=self.kwargs["pk"],
        )
        context.update(office=office, body=street_office_body(office, context, self.request))
        return context


class DistrictDashboardView(DashboardView):
    """One row per street office on its own totals, the worst first, a page at a time;
    beneath, the district's worst communities. A street office opens its communities."""

    template_name = "dashboards/district.html"
    per_page = 20
    worst_communities = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = scoped_object_or_404(
            District.objects.visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        body = district_body(district, context, self.request, self.per_page, self.worst_communities)
        context.update(
            district=district,
            body=body,
            can_administer=scoping.districts(self.request.user, Action.ADMINISTER)
            .filter(pk=district.pk)
            .exists(),
        )
        return context


class ThresholdView(LoginRequiredMixin, FormView):
    """District officers set where each flag turns amber and red; others may not (403)."""

    services = (services.set_thresholds, services.reset_thresholds)

    template_name = "dashboards/thresholds.html"
    form_class = ThresholdForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.district = scoping.districts(request.user).filter(pk=kwargs["pk"]).first()
        if self.district is None:
            raise Http404(_("No such record, or not one you may see."))
        if not scoping.districts(request.user, Action.ADMINISTER).filter(pk=kwargs["pk"]).exists():
            raise PermissionDenied(_("Only the district's officers may change its thresholds."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        """The district's limits; the defaults where it has not stored one (nothing is
        written on a GET: the service stores them all on the first save)."""
        kwargs = super().get_form_kwargs()
        stored = {t.kind: t for t in Threshold.objects.filter(district=self.district)}
        kwargs["thresholds"] = {
            kind: stored.get(kind)
            or Threshold(
                district=self.district,
                kind=kind,
                amber=spec.amber,
                red=spec.red,
                min_sample=spec.min_sample,
            )
            for kind, spec in SPECS.items()
        }
        return kwargs

    def post(self, request, *args, **kwargs):
        reset = request.POST.get("reset")
        if reset:
            kinds = list(SPECS) if reset == "all" else [reset]
            services.reset_thresholds(district=self.district, kinds=kinds, user=self.request.user)
            messages.success(request, _("Back to the default limits."))
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.set_thresholds(
                district=self.district,
                limits=form.limits(),
                seen=form.seen(),
                min_samples=form.min_samples(),
                user=self.request.user,
            )
        except versions.StaleEdit as error:
            form.show_stale(error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["district"] = self.district
        return context


class InboxView(LoginRequiredMixin, TemplateView):
    """待办: what waits for this user, by role (dashboards/inbox.py)."""

    template_name = "dashboards/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = inbox.sections(self.request.user)
        context.update(sections=found, total=sum(s.count for s in found))
        return context


class MarkReadView(LoginRequiredMixin, View):
    """Mark one reminder read, or all of them ("all" in the form)."""

    service = reminders.mark_read

    def post(self, request):
        ids = None if request.POST.get("all") else request.POST.getlist("id")
        reminders.mark_read(
            user=request.user, ids=[int(i) for i in ids if i.isdigit()] if ids is not None else None
        )
        return redirect("dashboards:inbox")
