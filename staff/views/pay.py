"""Pay records and pay against the benchmarks (minimum wage, average wage, assistants)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from committee import rollups, scoping, versions
from committee.charts import bar_chart, line_chart
from committee.generic import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectListView,
    ObjectUpdateView,
    scoped_object_or_404,
)
from committee.models import Community
from committee.numbers import WHOLE, percent, round_half_up
from committee.periods import month_end
from committee.roles import Action
from committee.tables import format_money
from staff import metrics
from staff.filters import (
    PayRecordFilterSet,
)
from staff.forms import (
    MonthField,
    PayRecordForm,
)
from staff.models import (
    PayRecord,
    PayRecordChange,
    StaffMember,
)
from staff.services import (
    delete_pay_record,
    rates_for,
    save_pay_record,
)
from staff.tables import (
    PayRecordTable,
)
from staff.views.common import chart_yuan, default_period


def period_from(request) -> tuple[date, date]:
    """?start=2026-01&end=2026-06 (months, inclusive); default the last 12 full months."""
    start, end = default_period()
    field = MonthField(required=False)
    try:
        start = field.clean(request.GET.get("start")) or start
        end = field.clean(request.GET.get("end")) or end
    except ValidationError:
        messages.warning(
            request, _("That period is not a month like 2026-05; showing the default.")
        )
        return default_period()
    end = month_end(end)
    if end < start:
        start, end = default_period()
    return start, end


# --- Pay records ----------------------------------------------------------------------------


class PayRecordListView(ObjectListView):
    """Every payment the user may see, filtered by community, kind and month."""

    model = PayRecord
    queryset = PayRecord.objects.for_list()
    table_class = PayRecordTable
    filterset_class = PayRecordFilterSet
    template_name = "staff/payrecord_list.html"
    add_url_name = "staff:payrecord_add"
    export_title = gettext_lazy("Pay records")
    keep_page_sql = True  # its query depends on the scope, the address and the columns

    def _can_add(self) -> bool:
        return scoping.communities(self.request.user, Action.PAY).exists()


class PayRecordFormMixin:
    services = (save_pay_record,)
    write_action = Action.PAY  # the chair and the district, not every staff member
    model = PayRecord
    form_class = PayRecordForm
    template_name = "staff/payrecord_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_success_url(self):
        return reverse("staff:payrecord_list")

    def form_valid(self, form):
        record = form.instance
        version = versions.posted_version(form)
        if version is not None:
            record.version = version
        try:
            save_pay_record(
                record=record,
                given=form.given(),
                user=self.request.user,
                rates=rates_for(record.staff_member, record.month),
            )
        except versions.StaleEdit as error:
            versions.show_stale(form, error)
            return self.form_invalid(form)
        except ValidationError as error:
            form._update_errors(error)
            return self.form_invalid(form)
        self.object = record
        messages.success(
            self.request,
            _("Saved: net pay %(net)s for %(name)s, %(month)s.")
            % {
                "net": format_money(record.net),
                "name": record.staff_member,
                "month": f"{record.month:%Y-%m}",
            },
        )
        return HttpResponseRedirect(self.get_success_url())


class PayRecordCreateView(PayRecordFormMixin, ObjectCreateView):
    def get_initial(self):
        return {**super().get_initial(), "month": default_period()[1].replace(day=1)}

    def get_form(self, form_class=None):
        if not scoping.communities(self.request.user, Action.PAY).exists():
            raise PermissionDenied(_("You may not add records here."))
        return super().get_form(form_class)


class PayRecordUpdateView(PayRecordFormMixin, ObjectUpdateView):
    queryset = PayRecord.objects.select_related("staff_member__community__street_office")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = self.object.changes.select_related("changed_by")[:24]
        return context


class PayRecordDeleteView(ObjectDeleteView):
    """Those who enter pay delete a pay record; the chair or the district can restore it."""

    services = (delete_pay_record,)
    write_action = Action.PAY
    queryset = PayRecord.objects.select_related("staff_member__community__street_office")

    def get_success_url(self):
        return reverse("staff:payrecord_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = str(PayRecordChange._meta.verbose_name)
        saved = self.object.changes.all()[:50]
        context["going"] = [(kind, str(change)) for change in saved] + context["going"]
        return context

    def delete_record(self, record):
        delete_pay_record(record=record, user=self.request.user)


# --- Pay against benchmarks -----------------------------------------------------------------


class PeriodMixin(LoginRequiredMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.start, self.end = period_from(self.request)
        context["start"], context["end"] = self.start, self.end
        return context


class PayOverviewView(PeriodMixin, TemplateView):
    """Pay by community for everyone the user may see: the street office's comparison.

    Fifty communities a page: a district's 2,000 communities' medians were computed for
    rows nobody was shown. The total covers every community (a whole district's from its
    kept pay bands); the street offices shown are those of the page's communities, each
    over all its communities in scope: 200 offices' summaries sorted every person-month
    of the district (1.5 s of a 1.9 s page at 2,000 communities).
    """

    template_name = "staff/pay_overview.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        everyone = scoping.communities(user).select_related("street_office")
        period = (self.start, self.end)
        page = Paginator(everyone, self.paginate_by).get_page(self.request.GET.get("page"))
        communities = list(page.object_list)
        context["page_obj"] = page
        offices = {c.street_office_id: c.street_office for c in communities}
        # One read of the person-months of the page's street offices (the page's
        # communities among them): the communities' medians and gaps and the offices'
        # summaries, sorted in Python.
        theirs = everyone.filter(street_office_id__in=offices)
        whole = not (len(offices) == 1 and page.paginator.num_pages == 1)

        def figures():
            found = rollups.read(metrics.pay_by_community_and_office, theirs, *period)
            return found, rollups.read(metrics.pay_ratios, everyone, *period) if whole else None

        # Kept between visits under the communities' revisions (any pay, staff or
        # benchmark write in them changes the key): a district's page read 8,000
        # person-months and 15,000 pay bands each time.
        offices_key = ",".join(str(pk) for pk in sorted(offices))
        name = f"pay-by-community|{self.start}|{self.end}|{offices_key}|{whole}"
        found, total = rollups.kept(name, everyone, figures)
        districts = {c.street_office.district_id for c in communities}
        bench = metrics.benchmarks_by_district(districts, self.end)
        fulltime, assistant = StaffMember.Kind.FULLTIME, StaffMember.Kind.ASSISTANT
        rows = []
        for c in communities:
            medians = found.medians.get(c.pk, {})
            wages = bench.get(c.street_office.district_id)
            ratios = metrics.PayRatios(
                fulltime_median=medians.get(fulltime),
                assistant_median=medians.get(assistant),
                minimum_wage=wages.minimum_wage if wages else None,
                average_wage=wages.average_wage if wages else None,
            )
            rows.append(
                {
                    "community": c,
                    "ratios": ratios,
                    "gaps": found.uninsured.get(c.pk, 0),
                    "writable": scoping.can(user, Action.PAY, c),
                }
            )
        context["rows"] = rows
        context["rows_html"] = _rows_html(rows, self.start, self.end)
        by_office = found.offices
        if not whole:
            # Every community is on this page, in one street office (a street official's
            # view): the total is that office's, over the same person-months, against the
            # benchmarks of the same districts.
            summary = by_office.get(next(iter(offices)), {})
            wages = metrics.benchmarks_of(bench)
            context["total"] = metrics.PayRatios(
                fulltime_median=summary[fulltime].median if summary else None,
                assistant_median=summary[assistant].median if summary else None,
                minimum_wage=wages.minimum_wage if wages else None,
                average_wage=wages.average_wage if wages else None,
            )
        else:
            context["total"] = total
        context["offices"] = [
            (office, by_office[pk][fulltime], by_office[pk][assistant])
            for pk, office in offices.items()
            if pk in by_office
        ]
        return context


def _rows_html(rows: list[dict], start: date, end: date) -> SafeString:
    """The table's rows as staff/pay_overview.html drew them, written in Python: fifty
    rows of ten cells were a fifth of a district officer's page in template nodes."""
    period = escape(f"?start={start:%Y-%m}&end={end:%Y-%m}")
    pay_url = reverse("staff:community_pay", args=[_PK]).replace(str(_PK), "{}") + period
    payroll_url = reverse("staff:payroll", args=[_PK]).replace(str(_PK), "{}")
    payroll = escape(_("Payroll"))
    out = []
    for row in rows:
        community, ratios = row["community"], row["ratios"]
        to_minimum, to_assistants = ratios.to_minimum_wage, ratios.to_assistants
        link = f'<a href="{payroll_url.format(community.pk)}">{payroll}</a>'
        cells = (
            f'<td><a href="{pay_url.format(community.pk)}">{escape(community)}</a></td>',
            f"<td>{escape(community.street_office)}</td>",
            f'<td class="num">{escape(format_money(ratios.fulltime_median))}</td>',
            f'<td class="num">{escape(format_money(ratios.assistant_median))}</td>',
            f'<td class="num">{escape(format_money(ratios.minimum_wage))}</td>',
            f'<td class="num{_below(to_minimum)}">{escape(percent(to_minimum))}</td>',
            f'<td class="num">{escape(percent(ratios.to_average_wage))}</td>',
            f'<td class="num{_below(to_assistants)}">{escape(percent(to_assistants))}</td>',
            f'<td class="num">{row["gaps"]:,}</td>',
            f"<td>{link if row['writable'] else ''}</td>",
        )
        out.append("<tr>\n" + "\n".join(cells) + "\n</tr>")
    return mark_safe("".join(out))  # noqa: S308 -- every value above escaped


_PK = 987654321  # a stand-in id, replaced in the reversed address


def _below(ratio) -> str:
    return " below" if ratio is not None and ratio < 1 else ""


class CommunityPayView(PeriodMixin, TemplateView):
    """One community: full-time workers against assistants and the district's benchmarks."""

    template_name = "staff/community_pay.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = scoped_object_or_404(
            Community.objects.visible_to(self.request.user).select_related("street_office"),
            pk=self.kwargs["pk"],
        )
        only = Community.objects.filter(pk=community.pk)
        start, end = self.start, self.end
        summary = rollups.read(metrics.net_pay_summary, only, start, end)
        ratios = rollups.read(metrics.pay_ratios, only, start, end)
        bench = metrics.benchmarks(only, start, end)
        by_month = rollups.read(metrics.median_net_pay_by_month, only, start, end)
        share = _share_asked(self.request.GET.get("share"))
        fulltime, assistant = StaffMember.Kind.FULLTIME, StaffMember.Kind.ASSISTANT
        labels = [str(StaffMember.Kind(fulltime).label), str(StaffMember.Kind(assistant).label)]
        values = [summary[fulltime].median, summary[assistant].median]
        if bench:
            labels += [_("minimum wage"), _("average wage")]
            values += [bench.minimum_wage, bench.average_wage]
        context.update(
            community=community,
            summary=[(StaffMember.Kind(k).label, summary[k]) for k in (fulltime, assistant)],
            ratios=ratios,
            bench=bench,
            by_month=by_month,
            share=share,
            share_percent=round_half_up(share * 100, WHOLE),
            lift_cost=metrics.cost_to_lift_fulltime(only, start, end, share),
            gaps=rollups.read(metrics.months_without_employer_insurance, only, start, end),
            staffing=metrics.staffing(only, start, end),
            can_change=scoping.can(self.request.user, Action.PAY, community),
            comparison_chart=bar_chart(
                _("Median monthly net pay against the benchmarks"),
                labels,
                [(_("yuan a month"), values)],
                formatter=chart_yuan,
            ),
            trend_chart=line_chart(
                _("Median monthly net pay by month"),
                [f"{m:%y-%m}" for m in by_month],
                [
                    (str(StaffMember.Kind(k).label), [row[k] for row in by_month.values()])
                    for k in (fulltime, assistant)
                ],
                formatter=chart_yuan,
            )
            if by_month
            else None,
        )
        return context


def _share_asked(raw: str | None) -> Decimal:
    """The share of the average wage to lift full-time pay to, as a fraction (default 60 %)."""
    try:
        percent = Decimal(raw) if raw else Decimal("60")
    except InvalidOperation:
        percent = Decimal("60")
    return min(max(percent, Decimal("0")), Decimal("200")) / 100
