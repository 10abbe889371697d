"""Survey pages: the list, the builder, results, exports, paper entry, and the public form.

Staff pages start from ``Survey.objects.visible_to(user)`` (out of scope → 404) and
check ``changeable_by(user)`` before a write (→ 403). The public form is found by its
unguessable token only, needs no login, and is rate-limited per address.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committee import filters, scoping, versions
from committee.clients import client_address
from committee.exports import xlsx_response
from committee.generic import ObjectListView, ObjectUpdateView, scoped_object_or_404
from committee.roles import Action
from committee.services import writes_through
from surveys import published, services
from surveys.exports import responses_workbook, summary_workbook
from surveys.filters import SurveyFilterSet
from surveys.forms import AnswerForm, GenerateCodesForm, QuestionForm, ResultsFilterForm, SurveyForm
from surveys.models import Question, Response, Survey, street_offices
from surveys.results import compare_question, filtered_responses, survey_results
from surveys.tables import SurveyTable

COOKIE_SALT = "surveys.answered"
COOKIE_AGE = 60 * 60 * 24 * 365


def _survey(request, pk: int, *, write: bool = False) -> Survey:
    survey = scoped_object_or_404(
        Survey.objects.visible_to(request.user).select_related("community", "street_office"),
        pk=pk,
    )
    if write and not Survey.objects.changeable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("You may look at this survey but not change it."))
    return survey


def _posted(request):
    """The submitted data, or None on GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _can_create(user) -> bool:
    return (
        scoping.communities(user, Action.CHANGE).exists()
        or street_offices(user, Action.CHANGE).exists()
    )


class SurveyListView(ObjectListView):
    model = Survey
    queryset = Survey.objects.select_related("community", "street_office").with_counts()
    table_class = SurveyTable
    filterset_class = SurveyFilterSet
    template_name = "surveys/survey_list.html"
    export_title = gettext_lazy("Surveys")
    add_url_name = "surveys:survey_create"
    keep_page_sql = True  # its query depends on the scope, the address and the columns

    def _can_add(self) -> bool:
        # Kept with the filter forms (committee/filters.py) per user and memberships: a
        # street official's answer is a query over every street office; a saved or
        # deleted community, street office, district or membership forgets it.
        user = self.request.user
        places = sorted(
            (m.role, m.district_id or 0, m.street_office_id or 0, m.community_id or 0)
            for m in scoping.memberships(user)
        )
        key = ("surveys.can_create", user.pk, user.is_superuser, tuple(places))
        found = filters.kept(key)
        if found is None:
            found = (_can_create(user),)
            filters.keep(key, found)
        return found[0]


@writes_through(services.create_survey)
@login_required
def survey_create(request):
    if not _can_create(request.user):
        raise PermissionDenied(_("You may not add surveys."))
    form = SurveyForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        template_key = data.pop("template", "")
        try:
            survey = services.create_survey(by=request.user, template_key=template_key, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Survey created as a draft. Add or check its questions."))
            return redirect(survey)
    return render(request, "surveys/survey_form.html", {"form": form})


class SurveyUpdateView(ObjectUpdateView):
    service = services.save_survey
    model = Survey
    form_class = SurveyForm
    template_name = "surveys/survey_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


@login_required
def survey_detail(request, pk: int):
    """The builder: questions in order, and what may be done with the survey now."""
    survey = _survey(request, pk)
    questions = survey.questions.prefetch_related("choices")
    can_change = Survey.objects.changeable_by(request.user).filter(pk=pk).exists()
    context = {
        "object": survey,
        "questions": questions,
        "can_change": can_change,
        "refusal": services.builder_refusal(survey),
        "response_count": survey.responses.count(),
        "code_count": survey.codes.count(),
        "public_url": request.build_absolute_uri(survey.get_public_url()),
    }
    return render(request, "surveys/survey_detail.html", context)


@writes_through(services.open_survey, services.close_survey, services.copy_survey)
@login_required
@require_POST
def survey_state(request, pk: int, action: str):
    """Open, close or copy a survey."""
    survey = _survey(request, pk, write=True)
    try:
        if action == "open":
            services.open_survey(survey=survey)
            messages.success(request, _("The survey is open: the link and QR code take answers."))
        elif action == "close":
            services.close_survey(survey=survey)
            messages.success(request, _("The survey is closed."))
        elif action == "copy":
            copy = services.copy_survey(survey=survey, by=request.user)
            messages.success(request, _("Copied as a new draft."))
            return redirect(copy)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(survey)


@writes_through(services.save_question)
@login_required
def question_edit(request, pk: int, question_pk: int | None = None):
    survey = _survey(request, pk, write=True)
    question = None
    if question_pk is not None:
        question = scoped_object_or_404(
            Question.objects.visible_to(request.user).filter(survey=survey), pk=question_pk
        )
    refusal = services.builder_refusal(survey)
    form = QuestionForm(_posted(request), instance=question)
    versions.add_version_field(form, question)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
        return redirect(survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_question(
                survey=survey,
                question=question,
                choices=form.choice_lines(),
                version=versions.posted_version(form),
                by=request.user,
                **{f: form.cleaned_data[f] for f in QuestionForm.Meta.fields},
            )
        except versions.StaleEdit as error:
            versions.show_stale(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect(survey)
    return render(
        request,
        "surveys/question_form.html",
        {"form": form, "survey": survey, "question": question, "refusal": refusal},
    )


@writes_through(services.move_question, services.remove_question)
@login_required
@require_POST
def question_action(request, pk: int, question_pk: int, action: str):
    """Move a question up or down, or remove it."""
    survey = _survey(request, pk, write=True)
    question = scoped_object_or_404(
        Question.objects.visible_to(request.user).filter(survey=survey), pk=question_pk
    )
    try:
        if action in ("up", "down"):
            services.move_question(question=question, up=action == "up")
        elif action == "remove":
            services.remove_question(question=question)
            messages.success(request, _("Question removed."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(survey)


@login_required
def survey_qr(request, pk: int, fmt: str):
    """The public link as a QR code to print on a notice (SVG or PNG)."""
    survey = _survey(request, pk)
    qr = segno.make(request.build_absolute_uri(survey.get_public_url()), error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=8, border=2, xmldecl=False)
        content_type = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=10, border=2)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-qr.{fmt}"'
    return response


@writes_through(services.generate_codes)
@login_required
def survey_codes(request, pk: int):
    """Generate invitation codes in bulk (POST) and print them (GET)."""
    survey = _survey(request, pk)
    form = GenerateCodesForm(_posted(request))
    if request.method == "POST":
        _survey(request, pk, write=True)
        if form.is_valid():
            try:
                codes = services.generate_codes(survey=survey, count=form.cleaned_data["count"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(n)d codes generated.") % {"n": len(codes)})
                return redirect("surveys:survey_codes", pk=survey.pk)
    codes = survey.codes.select_related("response")
    context = {
        "survey": survey,
        "codes": codes,
        "form": form,
        "can_change": Survey.objects.changeable_by(request.user).filter(pk=pk).exists(),
        "public_url": request.build_absolute_uri(survey.get_public_url()),
    }
    return render(request, "surveys/survey_codes.html", context)


@writes_through(services.submit_response)
@login_required
def paper_entry(request, pk: int):
    """Staff type in a paper questionnaire through the same form, marked as paper."""
    survey = _survey(request, pk, write=True)
    questions = survey.questions.prefetch_related("choices")
    form = AnswerForm(_posted(request), questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_response(
                survey=survey,
                answers=form.answers(),
                channel=Response.Channel.PAPER,
                entered_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Paper questionnaire saved. Enter the next one."))
            return redirect("surveys:paper_entry", pk=survey.pk)
    return render(request, "surveys/paper_entry.html", {"survey": survey, "form": form})


def _results_filters(request) -> dict:
    form = ResultsFilterForm(request.GET or None)
    if form.is_valid():
        return {k: v for k, v in form.cleaned_data.items() if v}
    return {}


@login_required
def survey_results_view(request, pk: int):
    survey = _survey(request, pk)
    filter_form = ResultsFilterForm(request.GET or None)
    results = survey_results(survey, **_results_filters(request))
    return render(
        request,
        "surveys/survey_results.html",
        {
            "survey": survey,
            "results": results,
            "filter_form": filter_form,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def export_responses(request, pk: int):
    survey = _survey(request, pk)
    filters = _results_filters(request)
    responses = filtered_responses(survey, **filters)
    name = slugify(survey.title) or f"survey-{survey.pk}"
    return xlsx_response(responses_workbook(survey, responses), f"{name}-responses.xlsx")


@login_required
def export_summary(request, pk: int):
    survey = _survey(request, pk)
    results = survey_results(survey, charts=False, **_results_filters(request))
    name = slugify(survey.title) or f"survey-{survey.pk}"
    return xlsx_response(summary_workbook(results), f"{name}-results.xlsx")


@login_required
def compare(request):
    """The same question across communities and over time (street office and district)."""
    surveys = Survey.objects.visible_to(request.user)
    keys = (
        Question.objects.filter(survey__in=surveys.values("pk"))
        .exclude(kind=Question.Kind.TEXT)
        .values_list("key", "text")
        .order_by("text", "key")
        .distinct()
    )
    options: dict[str, str] = {}
    for question_key, text in keys:
        options.setdefault(question_key, text)
    key = request.GET.get("key", "")
    if key not in options:
        key = "committee_nature" if "committee_nature" in options else next(iter(options), "")
    comparison = compare_question(surveys, key) if key else None
    return render(
        request,
        "surveys/compare.html",
        {"options": options, "key": key, "comparison": comparison},
    )


# -- The public form -----------------------------------------------------------------


def _cookie_name(survey: Survey) -> str:
    return f"jw_survey_{survey.pk}"


@writes_through(services.allow_submission, services.receive_public_response)
def public_form(request, token: str):
    """What a resident sees after scanning the QR code: no login, phone first."""
    survey = published.survey_by_token(token)
    if survey is None:
        return render(request, "surveys/public_unavailable.html", {"survey": None}, status=404)
    if survey.accepting_reason():
        status = 410 if survey.state == Survey.State.CLOSED else 403
        return _unavailable(request, survey, survey.accepting_reason, status)
    needs_code = survey.access == Survey.Access.CODES
    already = not needs_code and request.get_signed_cookie(
        _cookie_name(survey), default=None, salt=COOKIE_SALT
    )
    if already:
        return _unavailable(
            request,
            survey,
            lambda: _("You have already answered this survey from this phone. Thank you!"),
            409,
        )
    if request.method != "POST":
        html = published.page(
            survey,
            "surveys/public_form.html",
            lambda: {"survey": survey, "form": _answer_form(survey, None, needs_code)},
            translation.get_language(),
        )
        return HttpResponse(published.with_csrf_token(request, html))
    form = _answer_form(survey, request.POST, needs_code)
    invitation = None
    complete = not form.is_bot() and form.is_valid()
    if complete and needs_code:
        invitation = services.find_invitation(survey, form.cleaned_data["code"])
        if invitation is None:
            form.add_error("code", _("This invitation code is not valid for this survey."))
            complete = False
    if complete:
        # Counted and saved in one transaction.
        receipt = services.receive_public_response(
            address=client_address(request),
            survey=survey,
            answers=form.answers(),
            invitation=invitation,
        )
        allowed = receipt.allowed
    else:
        receipt = None
        allowed = services.allow_submission(address=client_address(request))
    if not allowed:
        return _unavailable(
            request,
            survey,
            lambda: _(
                "Too many submissions from this network. Please wait a minute and try again."
            ),
            429,
        )
    if form.is_bot():
        # Pretend it worked: a script learns nothing; nothing is saved.
        return redirect("surveys:public_thanks", token=survey.token)
    if receipt is not None and receipt.error is not None:
        form.add_error(None, receipt.error)
    elif receipt is not None:
        response = redirect("surveys:public_thanks", token=survey.token)
        if not needs_code:
            response.set_signed_cookie(
                _cookie_name(survey),
                timezone.now().isoformat(),
                salt=COOKIE_SALT,
                max_age=COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
    return render(request, "surveys/public_form.html", {"survey": survey, "form": form}, status=400)


def _answer_form(survey: Survey, data, needs_code: bool) -> AnswerForm:
    questions = published.questions(survey)
    fields = published.fields(
        survey,
        (needs_code, translation.get_language()),
        lambda: AnswerForm(None, questions=questions, public=True, needs_code=needs_code).fields,
    )
    return AnswerForm(data, questions=questions, fields=fields)


def _unavailable(request, survey: Survey, message, status: int) -> HttpResponse:
    """A polite refusal in the page's language and in English (``message`` is a callable)."""
    with translation.override("en"):
        message_en = str(message())
    context = {"survey": survey, "message": str(message()), "message_en": message_en}
    return render(request, "surveys/public_unavailable.html", context, status=status)


def public_thanks(request, token: str):
    survey = published.survey_by_token(token)
    if survey is None:
        raise Http404
    html = published.page(
        survey, "surveys/public_thanks.html", lambda: {"survey": survey}, translation.get_language()
    )
    return HttpResponse(html)
