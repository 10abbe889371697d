"""The certificate desk: record and decide requests, print, revoke, the register and counts.

Every page goes through the one scoping rule: a request outside the user's communities is
a 404; recording, issuing, revoking and printing the committee's documents need the right
to change the community's records (403 for those who only see them). The verification
page is public and answers only to a certificate's random token.
"""

from __future__ import annotations

from datetime import date

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from certificates import metrics, services
from certificates.filters import CertificateRequestFilterSet, CertificateTypeFilterSet
from certificates.forms import CertificateTypeForm, IssueForm, RequestForm, RevokeForm
from certificates.models import CertificateRequest, CertificateType, Outcome
from certificates.tables import CertificateRequestTable, CertificateTypeTable
from committee import audit, scoping
from committee.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    scoped_object_or_404,
)
from committee.models import Community, StreetOffice
from committee.pdf import pdf_response, render_pdf
from committee.roles import Action
from committee.services import save_record


class RecordLinkMixin:
    """Whether the desk's "record" link is offered: only to those who may record."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_record"] = scoping.communities(self.request.user, Action.CHANGE).exists()
        return context


class RequestListView(RecordLinkMixin, ObjectListView):
    """The register: every request and its outcome, filtered, exported as shown."""

    model = CertificateRequest
    queryset = CertificateRequest.objects.for_register()
    table_class = CertificateRequestTable
    filterset_class = CertificateRequestFilterSet
    template_name = "certificates/request_list.html"
    add_url_name = "certificates:request_new"
    export_title = None


class RequestDetailView(ObjectDetailView):
    model = CertificateRequest
    queryset = CertificateRequest.objects.select_related(
        "community__street_office__district", "certificate_type", "recorded_by", "revoked_by"
    )
    template_name = "certificates/request_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["revoke_form"] = kwargs.get("revoke_form") or RevokeForm()
        context["issue_form"] = kwargs.get("issue_form") or IssueForm()
        context["shown_id"] = _masked(self.object.national_id)
        return context


def _masked(value: str) -> str:
    """110105********1234: the region and the last four, nothing of the birth date."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else value


def _types_for(communities):
    today = timezone.localdate()
    return CertificateType.objects.filter(
        district__in=communities.values("street_office__district")
    ).valid_on(today)


class RequestCreateView(LoginRequiredMixin, View):
    """The desk: record what the resident asks for; services.record_request decides it."""

    template_name = "certificates/request_form.html"
    services = (services.record_request,)

    def communities(self):
        return scoping.communities(self.request.user, Action.CHANGE).select_related("street_office")

    def get_form(self, data=None):
        communities = self.communities()
        if not communities.exists():
            raise PermissionDenied(_("You may not add records here."))
        form = RequestForm(data, communities=communities, types=_types_for(communities))
        if data is None and len(communities[:2]) == 1:
            form.fields["community"].initial = communities.first()
        return form

    def render(self, form):
        data = form.data if form.is_bound else {}
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "suggestions": _suggestions_for(self.request.user, data),
                "selected": str(data.get("certificate_type", "")),
            },
        )

    def get(self, request):
        return self.render(self.get_form())

    def post(self, request):
        form = self.get_form(request.POST)
        if "suggest" in request.POST or not form.is_valid():
            if "suggest" in request.POST:
                form.errors.clear()
            return self.render(form)
        data = form.cleaned_data
        try:
            made = services.record_request(
                community=data["community"],
                certificate_type=data["certificate_type"],
                resident_name=data["resident_name"],
                national_id=data.get("national_id", ""),
                address=data.get("address", ""),
                purpose=data["purpose"],
                institution=data["institution"],
                institution_kind=data["institution_kind"],
                words=data["words"],
                facts=data.get("facts", ""),
                refer=data.get("refer", False),
                evidence_needed=data.get("evidence_needed", ""),
                requested_on=data["requested_on"],
                submission=data["submission"],
                by=request.user,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.render(form)
        messages.success(request, _outcome_message(made))
        return redirect(made)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _outcome_message(made: CertificateRequest) -> str:
    if made.outcome == Outcome.REFUSED:
        return _("Refused: %(type)s is banned. Print the note for the resident (%(to)s).") % {
            "type": made.certificate_type.name,
            "to": made.certificate_type.refer_to,
        }
    if made.outcome == Outcome.REFERRED:
        return _("Referred: print the note saying what evidence the committee needs.")
    return _("Issued: %(number)s.") % {"number": made.number}


def _suggestions_for(user, data) -> list:
    communities = scoping.communities(user, Action.CHANGE).select_related("street_office")
    community = communities.filter(pk=_int(data.get("community"))).first()
    if community is None and len(communities[:2]) == 1:
        community = communities.first()
    if community is None:
        return []
    return services.suggest_types(
        district=community.street_office.district, text=data.get("words", "")
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class TypeSuggestView(LoginRequiredMixin, View):
    """The live matches for what the resident asked, as the fragment the desk shows."""

    def get(self, request):
        return render(
            request,
            "certificates/_suggestions.html",
            {
                "suggestions": _suggestions_for(request.user, request.GET),
                "selected": request.GET.get("certificate_type", ""),
            },
        )


class _RequestActionView(LoginRequiredMixin, View):
    """A write on one request: visible → else 404; changeable → else 403."""

    def request_object(self, pk: int) -> CertificateRequest:
        found = scoped_object_or_404(
            CertificateRequest.objects.visible_to(self.request.user).select_related(
                "community__street_office__district", "certificate_type"
            ),
            pk=pk,
        )
        if not scoping.can(self.request.user, Action.CHANGE, found.community):
            raise PermissionDenied(_("Only the community's committee acts on its certificates."))
        return found

    def rerender(self, found, **forms):
        view = RequestDetailView()
        view.setup(self.request, pk=found.pk)
        view.object = found
        context = view.get_context_data(object=found, **forms)
        return render(self.request, view.template_name, context, status=400)


class IssueView(_RequestActionView):
    services = (services.issue_referred,)

    def post(self, request, pk: int):
        found = self.request_object(pk)
        form = IssueForm(request.POST)
        form.is_valid()
        try:
            issued = services.issue_referred(
                request=found, facts=form.cleaned_data.get("facts", ""), by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(found)
        messages.success(request, _outcome_message(issued))
        return redirect(issued)


class RevokeView(_RequestActionView):
    services = (services.revoke_certificate,)

    def post(self, request, pk: int):
        found = self.request_object(pk)
        form = RevokeForm(request.POST)
        if not form.is_valid():
            return self.rerender(found, revoke_form=form)
        try:
            services.revoke_certificate(
                request=found, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(found)
        messages.success(request, _("Revoked. The verification page now says so."))
        return redirect(found)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=0)


class CertificatePdfView(_RequestActionView):
    """The numbered certificate, from its type's template, with the seal area and a QR code."""

    def get(self, request, pk: int):
        found = self.request_object(pk)
        if found.outcome != Outcome.ISSUED:
            raise Http404(_("Only an issued request has a certificate."))
        verify_url = request.build_absolute_uri(reverse("certificates:verify", args=[found.token]))
        context = {
            "req": found,
            "paragraphs": services.certificate_text(found),
            "verify_url": verify_url,
            "qr": mark_safe(_qr_svg(verify_url)),  # noqa: S308 -- segno's own SVG markup
        }
        data = render_pdf("certificates/certificate_pdf.html", context, request=request)
        if found.national_id:  # printed in full on the certificate: who, when, which record
            audit.log_access(found, "national_id")
        return pdf_response(data, f"{found.number}.pdf")


class NotePdfView(_RequestActionView):
    """The one-page note for a refused or referred request, for the resident to take back."""

    def get(self, request, pk: int):
        found = self.request_object(pk)
        if not found.has_note:
            raise Http404(_("Only a refused or referred request has a note."))
        context = {"req": found, "today": timezone.localdate()}
        data = render_pdf("certificates/note_pdf.html", context, request=request)
        kind = _("refusal") if found.outcome == Outcome.REFUSED else _("referral")
        return pdf_response(data, f"{kind}-{found.pk}.pdf")


class VerifyView(View):
    """Public: the number, type, date and whether it still holds. Nothing personal.

    A code that matches nothing gets the same page whatever was tried, with a 404.
    """

    def get(self, request, token: str):
        found = (
            CertificateRequest.objects.filter(token=token, outcome=Outcome.ISSUED)
            .select_related("certificate_type")
            .first()
        )
        response = render(request, "certificates/verify.html", {"found": found})
        response.status_code = 200 if found else 404
        response["X-Robots-Tag"] = "noindex"
        return response


def _year(request) -> int:
    today = timezone.localdate()
    year = _int(request.GET.get("year"))
    return year if 2000 <= year <= today.year + 1 else today.year


class SummaryView(LoginRequiredMixin, RecordLinkMixin, TemplateView):
    """Counts per month by outcome and by requesting institution, for what the user sees."""

    template_name = "certificates/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = scoping.communities(self.request.user)
        community = _int(self.request.GET.get("community"))
        chosen = visible.filter(pk=community) if community else visible
        year = _year(self.request)
        start, end = date(year, 1, 1), date(year, 12, 31)
        by_month = metrics.outcome_counts_by_month(chosen, start, end)
        context.update(
            year=year,
            communities=visible,
            community=community,
            months=[(date(year, m, 1), by_month.get(date(year, m, 1))) for m in range(1, 13)],
            totals=metrics.outcome_counts(chosen, start, end),
            by_institution=metrics.outcome_counts_by_institution_kind(chosen, start, end),
            offices=StreetOffice.objects.visible_to(self.request.user).order_by("code"),
        )
        return context


class BannedDemandView(LoginRequiredMixin, RecordLinkMixin, TemplateView):
    """A street office's evidence: which institutions send residents for banned certificates."""

    template_name = "certificates/banned_demand.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        office = _street_office_or_404(self.request.user, kwargs["pk"])
        year = _year(self.request)
        communities = Community.objects.filter(street_office=office)
        context.update(
            office=office,
            year=year,
            rows=metrics.banned_demand(communities, date(year, 1, 1), date(year, 12, 31)),
        )
        return context


def _street_office_or_404(user, pk: int) -> StreetOffice:
    """A street office the user may view whole (committee/scoping.py's rule), else 404."""
    return scoped_object_or_404(
        StreetOffice.objects.visible_to(user).select_related("district"), pk=pk
    )


class CertificateTypeListView(RecordLinkMixin, ObjectListView):
    """The district's allowed and banned certificates, as the desk checks them."""

    model = CertificateType
    queryset = CertificateType.objects.order_by("kind", "category", "name", "-valid_from")
    table_class = CertificateTypeTable
    filterset_class = CertificateTypeFilterSet
    template_name = "certificates/type_list.html"
    add_url_name = "certificates:type_create"
    write_action = Action.ADMINISTER

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not scoping.districts(self.request.user, Action.ADMINISTER).exists():
            kwargs["exclude"] = ("edit",)
        return kwargs


class CertificateTypeCreateView(ObjectCreateView):
    """The district adds a type, or a new version of one from a later date."""

    model = CertificateType
    form_class = CertificateTypeForm
    write_action = Action.ADMINISTER
    service = save_record  # district settings: save_record asks for the district's right

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse("certificates:type_list")


class CertificateTypeUpdateView(ObjectUpdateView):
    model = CertificateType
    form_class = CertificateTypeForm
    write_action = Action.ADMINISTER
    service = save_record  # district settings: save_record asks for the district's right

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse("certificates:type_list")
