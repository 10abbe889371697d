"""The certificate desk (开具证明): which certificates a committee may issue, and its register.

- CertificateType: one kind of certificate on a district's list, versioned like the
  catalogue: allowed (with the template the committee fills in) or banned (with the
  basis of the ban and the authority that issues the proof instead).
- CertificateRequest: a resident's request at the desk and its outcome: issued (with a
  number per community, type and year, and a random token for the public verification
  page), refused (a banned type) or referred (evidence the committee needs first).
- CertificateCounter: the last number given per community, type and year; its row lock
  is what keeps two desks from giving the same number.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committee.crypto import EncryptedCharField
from committee.models import Community, District
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet
from committee.versions import Versioned

# The fields a template's body may use, in braces: {name}, {facts} …
TEMPLATE_FIELDS = ("name", "id_clause", "address", "purpose", "facts", "community", "institution")


class Kind(models.TextChoices):
    ALLOWED = "allowed", _("may be issued")
    BANNED = "banned", _("banned")


class CertificateTypeQuerySet(DistrictScopedQuerySet):
    scope_path = "district"

    def valid_on(self, day):
        """The types of the list version in force on a day."""
        return self.filter(
            Q(active=True),
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class CertificateType(Versioned):
    """A kind of certificate residents ask for, on the district's allowed or banned list."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="certificate_types",
        verbose_name=_("district"),
    )
    kind = models.CharField(_("list"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=50)
    category_en = models.CharField(_("category (English)"), max_length=100, blank=True)
    name = models.CharField(_("certificate"), max_length=100)
    name_en = models.CharField(_("certificate (English)"), max_length=200, blank=True)
    synonyms = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("What residents and institutions call it, separated by 、"),
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    refer_to = models.CharField(
        _("who issues the proof instead"),
        max_length=200,
        blank=True,
        help_text=_("For a banned certificate: the authority the resident should go to."),
    )
    commitment = models.TextField(
        _("written-commitment route"),
        blank=True,
        help_text=_(
            "Where the locality uses 证明事项告知承诺制: the written commitment that replaces "
            "the certificate."
        ),
    )
    number_word = models.CharField(
        _("number word"),
        max_length=4,
        blank=True,
        help_text=_("The character in the certificate number: 居 gives 爱国居证〔2026〕第012号."),
    )
    title = models.CharField(_("title on the certificate"), max_length=100, blank=True)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "The certificate's text; fields in braces: {name} {id_clause} {address} {purpose} "
            "{facts} {community} {institution}."
        ),
    )
    signer = models.CharField(_("who signs"), max_length=100, blank=True)
    needs_national_id = models.BooleanField(_("needs the ID number"), default=False)
    evidence = models.TextField(
        _("evidence the committee needs"),
        blank=True,
        help_text=_("What a resident brings so that the committee can verify the facts."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = CertificateTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["district", "kind", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name", "valid_from"], name="certificate_type_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="certificate_type_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(kind="banned") | ~Q(number_word=""),
                name="certificate_type_allowed_has_number_word",
                violation_error_message=_("A certificate that may be issued needs a number word."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def banned(self) -> bool:
        return self.kind == Kind.BANNED

    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.replace(",", "、").split("、") if s.strip()]

    def clean(self):
        try:
            parsed = list(string.Formatter().parse(self.body or ""))
        except ValueError:
            raise ValidationError(
                {"body": _("A brace is not closed: write fields as {name}.")}
            ) from None
        unknown = [
            name
            for _text, name, _spec, _conv in parsed
            if name is not None and name not in TEMPLATE_FIELDS
        ]
        if unknown:
            raise ValidationError(
                {
                    "body": _("Unknown fields %(unknown)s; use %(known)s.")
                    % {
                        "unknown": "、".join(f"{{{n}}}" for n in unknown),
                        "known": "、".join(f"{{{n}}}" for n in TEMPLATE_FIELDS),
                    }
                }
            )
        if self.kind == Kind.ALLOWED and not self.number_word:
            raise ValidationError({"number_word": _("A certificate that may be issued needs one.")})


class Outcome(models.TextChoices):
    ISSUED = "issued", _("issued")
    REFUSED = "refused", _("refused (banned)")
    REFERRED = "referred", _("referred: evidence needed")


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("bank")
    SCHOOL = "school", _("school")
    EMPLOYER = "employer", _("employer")
    HOSPITAL = "hospital", _("hospital")
    GOVERNMENT = "government", _("government department")
    COURT = "court", _("court or notary")
    INSURER = "insurer", _("insurer")
    OTHER = "other", _("other")


class CertificateRequestQuerySet(ScopedQuerySet):
    scope_path = "community"

    def for_register(self):
        return self.select_related("community", "certificate_type")

    def between(self, start, end):
        return self.filter(requested_on__gte=start, requested_on__lte=end)


class CertificateRequest(models.Model):
    """A resident's request at the committee's desk, and what the desk did with it."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="certificate_requests",
        verbose_name=_("community"),
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("certificate"),
    )
    requested_on = models.DateField(_("requested on"))
    resident_name = models.CharField(_("resident"), max_length=50)
    # Kept only when the type's template prints it; masked on every page but the certificate.
    national_id = EncryptedCharField(_("national ID number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    institution = models.CharField(_("institution that asked for it"), max_length=100)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=12, choices=InstitutionKind.choices
    )
    words = models.TextField(_("the request in the resident's words"), blank=True)
    facts = models.TextField(
        _("facts the certificate states"),
        blank=True,
        help_text=_("As verified by the committee, e.g. “has lived here since March 2019”."),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    evidence_needed = models.TextField(_("evidence needed"), blank=True)
    decided_on = models.DateField(_("decided on"))
    number = models.CharField(_("certificate number"), max_length=40, blank=True)
    number_year = models.PositiveSmallIntegerField(_("number year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("serial"), null=True, blank=True)
    token = models.CharField(max_length=32, null=True, blank=True, unique=True, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The desk form's one-time key: a double click or a second tab saves one request.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CertificateRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate request")
        verbose_name_plural = _("certificate register")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                condition=~Q(number=""),
                name="certificate_number_unique_per_community",
            ),
            models.CheckConstraint(
                condition=Q(outcome="issued", serial__isnull=False, token__isnull=False)
                | (~Q(outcome="issued") & Q(serial__isnull=True, number="")),
                name="certificate_number_only_when_issued",
            ),
        ]
        indexes = [models.Index(fields=["community", "requested_on"])]

    def __str__(self) -> str:
        return f"{self.certificate_type} · {self.resident_name}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:request_detail", args=[self.pk])

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def has_note(self) -> bool:
        return self.outcome in (Outcome.REFUSED, Outcome.REFERRED)


class CertificateCounter(models.Model):
    """The last serial given in a community for one number word and year."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    number_word = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number_word", "year"], name="certificate_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.number_word} {self.year}: {self.last}"
