"""Forms: the survey's settings, one question, and the questionnaire a resident fills in."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.roles import Action
from surveys.models import Question, Response, Survey, street_offices
from surveys.questionnaires import template_choices

HONEYPOT = "website"


class SurveyForm(forms.ModelForm):
    """A survey's settings; the owner is one of the communities or street offices you run."""

    template = forms.ChoiceField(label=_("start from"), required=False, choices=())

    class Meta:
        model = Survey
        fields = ["community", "street_office", "title", "description", "opens", "closes", "access"]
        widgets = {
            "opens": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = template_choices()
        self.fields["title"].required = False
        communities = scoping.communities(user, Action.CHANGE).select_related("street_office")
        offices = street_offices(user, Action.CHANGE)
        self.fields["community"].queryset = communities
        self.fields["street_office"].queryset = offices
        self.fields["street_office"].help_text = _(
            "For a survey across all of a street office's communities; leave the community empty."
        )
        if self.instance.pk:
            # The owner of a survey does not change; its results belong to it.
            del self.fields["community"], self.fields["street_office"], self.fields["template"]
            return
        if not offices.exists():
            del self.fields["street_office"]
        if not communities.exists():
            del self.fields["community"]
        elif len(communities[:2]) == 1:
            self.fields["community"].initial = communities.first()
        self.order_fields(["community", "street_office", "template"])

    def clean(self):
        data = super().clean()
        one_owner = bool(data.get("community")) != bool(data.get("street_office"))
        if not self.instance.pk and not one_owner:
            raise ValidationError(_("Choose either a community or a street office."))
        if not data.get("title") and not data.get("template"):
            self.add_error("title", _("Give the survey a title, or start from a template."))
        return data


class QuestionForm(forms.ModelForm):
    """One question and, for choice questions, its options one per line."""

    choices = forms.CharField(
        label=_("options (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For single and multiple choice questions only."),
    )

    class Meta:
        model = Question
        fields = ["text", "help_text", "kind", "required", "purpose"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices"].initial = "\n".join(c.text for c in self.instance.choices.all())

    def choice_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class GenerateCodesForm(forms.Form):
    count = forms.IntegerField(label=_("how many codes"), min_value=1, max_value=1000, initial=50)


class ResultsFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("how"),
        required=False,
        choices=[("", _("online and paper")), *Response.Channel.choices],
    )
    start = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class AnswerForm(forms.Form):
    """The questionnaire itself, one field per question (``q<pk>``).

    Required questions carry the browser's ``required`` and are checked again here.
    The public form adds an invisible honeypot field and, for surveys with codes,
    the invitation code.
    """

    def __init__(
        self, *args, questions, public: bool = False, needs_code: bool = False, fields=None, **kw
    ):
        super().__init__(*args, **kw)
        self.questions = list(questions)
        self.use_required_attribute = True
        if fields is not None:
            # Another form's fields for the same questions (``published.fields``): a
            # form reads its fields and never changes them, so they can be shared.
            self.fields = dict(fields)
            return
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field(question)
        if needs_code:
            self.fields["code"] = forms.CharField(
                label=_("Invitation code 邀请码"),
                max_length=20,
                widget=forms.TextInput(
                    attrs={"autocomplete": "off", "autocapitalize": "characters"}
                ),
            )
        if public:
            self.fields[HONEYPOT] = forms.CharField(
                required=False,
                label=_("Leave this empty"),
                widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            )

    def _field(self, question: Question) -> forms.Field:
        common = {"label": question.text, "required": question.required}
        if question.help_text:
            common["help_text"] = question.help_text
        options = [(str(c.pk), c.text) for c in question.choices.all()]
        match question.kind:
            case Question.Kind.SINGLE:
                return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
            case Question.Kind.MULTIPLE:
                return forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple, **common
                )
            case Question.Kind.RATING:
                return forms.ChoiceField(
                    choices=RATING_CHOICES,
                    widget=forms.RadioSelect(attrs={"class": "rating"}),
                    **common,
                )
            case Question.Kind.NUMBER:
                return forms.DecimalField(
                    max_digits=12,
                    decimal_places=2,
                    widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
                    **common,
                )
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def answers(self) -> dict[Question, object]:
        """Cleaned values turned into what services.submit_response takes."""
        found: dict[Question, object] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            choices = {str(c.pk): c for c in question.choices.all()}
            if question.kind == Question.Kind.SINGLE:
                value = choices.get(value)
            elif question.kind == Question.Kind.MULTIPLE:
                value = [choices[v] for v in value or []]
            elif question.kind == Question.Kind.RATING and value:
                value = int(value)
            found[question] = value
        return found
