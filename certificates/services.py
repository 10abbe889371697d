"""The writes of the certificate desk, and the one place its rules live.

A banned type is refused as it is recorded; an allowed one is issued or referred for
evidence. Numbers are given under a row lock on the counter of the community, number
word and year, so two desks never give one number twice.
"""

from __future__ import annotations

import csv
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from certificates.models import (
    CertificateCounter,
    CertificateRequest,
    CertificateType,
    InstitutionKind,
    Kind,
    Outcome,
)
from committee.models import Community, District
from committee.services import service

TYPES_FILE = Path(__file__).resolve().parent / "data" / "certificate_types.csv"
TYPES_VALID_FROM = date(2024, 1, 1)
SUGGESTION_LIMIT = 6
SUGGESTION_MIN_SCORE = 50
SUGGESTION_SPREAD = 35


# --- the list of types ---------------------------------------------------------------


@dataclass(frozen=True)
class TypesLoad:
    created: int
    unchanged: int


@service
def load_certificate_types(
    *, district: District, path: Path | None = None, valid_from: date | None = None
) -> TypesLoad:
    """Load the allowed and banned certificates (certificates/data/certificate_types.csv).

    A type already there in the same version is left as it is: loading twice changes nothing.
    """
    path = path or TYPES_FILE
    valid_from = valid_from or TYPES_VALID_FROM
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if row.get("kind") not in Kind.values or not (row.get("name_zh") or "").strip():
            raise ValidationError(_("Line %(line)s: unknown list or empty name.") % {"line": line})
    existing = set(
        CertificateType.objects.filter(district=district, valid_from=valid_from).values_list(
            "name", flat=True
        )
    )
    new = []
    for row in rows:
        name = row["name_zh"].strip()
        if name in existing:
            continue
        existing.add(name)
        certificate_type = CertificateType(
            district=district,
            kind=row["kind"],
            category=row["category_zh"].strip(),
            category_en=row["category_en"].strip(),
            name=name,
            name_en=row["name_en"].strip(),
            basis=row["basis"].strip(),
            refer_to=row["refer_to"].strip(),
            synonyms=row["synonyms"].strip(),
            commitment=row["commitment"].strip(),
            number_word=row["number_word"].strip(),
            title=row["title"].strip(),
            body=row["body"].strip(),
            signer=row["signer"].strip(),
            needs_national_id=row["needs_national_id"].strip().lower() in ("yes", "true", "1"),
            evidence=row["evidence"].strip(),
            valid_from=valid_from,
        )
        certificate_type.full_clean(validate_unique=False, validate_constraints=False)
        new.append(certificate_type)
    CertificateType.objects.bulk_create(new, ignore_conflicts=True)
    return TypesLoad(created=len(new), unchanged=len(rows) - len(new))


@dataclass(frozen=True)
class Suggestion:
    certificate_type: CertificateType
    score: int
    matched: str


# Words every certificate's name shares: matching on them would make every type look close.
_COMMON = ("证明", "情况", "开个", "开具", "要开", "需要", "证")


def _core(text: str) -> str:
    text = "".join((text or "").split())
    core = text
    for word in _COMMON:
        core = core.replace(word, "")
    return core or text


def suggest_types(*, district: District, text: str, on: date | None = None) -> list[Suggestion]:
    """The types closest to what the resident asked for, over names and other names.

    Scored on what is left after the words all certificates share (证明, 情况 …); a
    type shows only when it is close to the best match, so a clear request shows one.
    """
    wanted = _core(text)
    if not wanted:
        return []
    on = on or timezone.localdate()
    found = []
    for certificate_type in CertificateType.objects.filter(district=district).valid_on(on):
        names = [certificate_type.name, certificate_type.category, *certificate_type.synonym_list()]
        best, matched = 0.0, certificate_type.name
        for name in names:
            core = _core(name)
            score = max(fuzz.ratio(wanted, core), fuzz.partial_ratio(wanted, core) * 0.9)
            if score > best:
                best, matched = score, name
        if best >= SUGGESTION_MIN_SCORE:
            found.append(Suggestion(certificate_type, round(best), matched))
    found.sort(key=lambda s: (-s.score, s.certificate_type.kind, s.certificate_type.name))
    top = found[0].score if found else 0
    return [s for s in found if s.score >= top - SUGGESTION_SPREAD][:SUGGESTION_LIMIT]


# --- the desk --------------------------------------------------------------------------


@service
def record_request(
    *,
    community: Community,
    certificate_type: CertificateType,
    resident_name: str,
    purpose: str,
    institution: str,
    institution_kind: str = InstitutionKind.OTHER,
    refer: bool = False,
    evidence_needed: str = "",
    national_id: str = "",
    address: str = "",
    words: str = "",
    facts: str = "",
    requested_on: date | None = None,
    submission: uuid.UUID | None = None,
    by=None,
) -> CertificateRequest:
    """Record a request and decide it: refuse a banned type, else issue or refer it.

    ``submission`` is the desk form's one-time key: the same form sent twice (a double
    click, a second tab) returns the request the first one saved.
    """
    if submission is not None:
        earlier = CertificateRequest.objects.filter(submission=submission).first()
        if earlier is not None:
            return earlier
    requested_on = requested_on or timezone.localdate()
    if certificate_type.district_id != community.street_office.district_id:
        raise ValidationError(
            {"certificate_type": _("This certificate is not on the community's district list.")}
        )
    if not certificate_type.banned and certificate_type.needs_national_id and not national_id:
        raise ValidationError(
            {"national_id": _("This certificate prints the resident's ID number: enter it.")}
        )
    if certificate_type.banned:
        outcome = Outcome.REFUSED
    elif refer:
        if not evidence_needed.strip():
            raise ValidationError(
                {"evidence_needed": _("Say what evidence would let the committee issue it.")}
            )
        outcome = Outcome.REFERRED
    else:
        outcome = Outcome.ISSUED
    request = CertificateRequest(
        community=community,
        certificate_type=certificate_type,
        requested_on=requested_on,
        resident_name=resident_name.strip(),
        # Only kept where the template prints it (personal data, shared/DOMAIN.md).
        national_id=national_id.upper() if certificate_type.needs_national_id else "",
        address=address.strip(),
        purpose=purpose.strip(),
        institution=institution.strip(),
        institution_kind=institution_kind,
        words=words.strip(),
        facts=facts.strip(),
        outcome=outcome,
        evidence_needed=evidence_needed.strip() if outcome == Outcome.REFERRED else "",
        decided_on=requested_on,
        recorded_by=by,
        submission=submission,
    )
    try:
        with transaction.atomic():
            if outcome == Outcome.ISSUED:
                _number(request, on=requested_on)
            request.save()
    except IntegrityError:
        if submission is not None:
            earlier = CertificateRequest.objects.filter(submission=submission).first()
            if earlier is not None:
                return earlier
        raise
    return request


@service
def issue_referred(*, request: CertificateRequest, facts: str = "", by=None) -> CertificateRequest:
    """Issue a referred request once the resident has brought the evidence."""
    with transaction.atomic():
        locked = CertificateRequest.objects.select_for_update().get(pk=request.pk)
        if locked.outcome != Outcome.REFERRED:
            raise ValidationError(_("Only a referred request can be issued now."))
        today = timezone.localdate()
        if facts.strip():
            locked.facts = facts.strip()
        locked.outcome = Outcome.ISSUED
        locked.decided_on = today
        _number(locked, on=today)
        locked.save()
    return locked


@service
def revoke_certificate(*, request: CertificateRequest, reason: str, by) -> CertificateRequest:
    """Revoke an issued certificate; the verification page says so from now on."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking it.")})
    with transaction.atomic():
        locked = CertificateRequest.objects.select_for_update().get(pk=request.pk)
        if locked.outcome != Outcome.ISSUED:
            raise ValidationError(_("Only an issued certificate can be revoked."))
        if locked.revoked:
            raise ValidationError(_("This certificate was already revoked."))
        locked.revoked_on = timezone.localdate()
        locked.revoke_reason = reason
        locked.revoked_by = by
        locked.save(update_fields=["revoked_on", "revoke_reason", "revoked_by"])
    return locked


def community_short_name(community: Community) -> str:
    """爱国社区 → 爱国: the community's part of a certificate number."""
    name = community.name
    for suffix in ("社区居民委员会", "居民委员会", "社区", "居委会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def format_number(community: Community, number_word: str, year: int, serial: int) -> str:
    return f"{community_short_name(community)}{number_word}证〔{year}〕第{serial:03d}号"


def _number(request: CertificateRequest, *, on: date) -> None:
    """Give the request the next number of its community, number word and year (locked)."""
    word = request.certificate_type.number_word
    CertificateCounter.objects.get_or_create(
        community=request.community, number_word=word, year=on.year
    )
    counter = CertificateCounter.objects.select_for_update().get(
        community=request.community, number_word=word, year=on.year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    request.number_year = on.year
    request.serial = counter.last
    request.number = format_number(request.community, word, on.year, counter.last)
    # 128 random bits in hex: nothing to guess, and no "-" for a printed line to break at.
    request.token = secrets.token_hex(16)
    request.issued_on = on


def certificate_text(request: CertificateRequest) -> list[str]:
    """The certificate's body, from its type's template, as paragraphs."""
    id_clause = _("(ID number %(id)s)") % {"id": request.national_id} if request.national_id else ""
    values = {
        "name": request.resident_name,
        "id_clause": id_clause,
        "address": request.address or request.community.address,
        "purpose": request.purpose,
        "facts": request.facts,
        "community": request.community.name,
        "institution": request.institution,
    }
    body = request.certificate_type.body.format_map(values)
    return [line.strip() for line in body.splitlines() if line.strip()]
