"""The desk's PDFs: Chinese fonts embedded, the number and the QR check on the certificate."""

import re
import subprocess
import tempfile

from django.urls import reverse

from tests.certificates.conftest import NO_CRIME


def poppler(tool: str, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        command = [tool, handle.name, "-"] if tool == "pdftotext" else [tool, handle.name]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pages(data: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", data), re.M).group(1))


def embedded_fonts(data: bytes) -> list[tuple[str, str]]:
    """(name, emb) of each font pdffonts lists."""
    lines = poppler("pdffonts", data).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def test_the_certificate_embeds_its_fonts_and_carries_its_number(
    as_user, staff_a, make_request, world
):
    made = make_request(world.community_a)
    data = as_user(staff_a).get(reverse("certificates:certificate_pdf", args=[made.pk]))
    pdf = data.content
    fonts = embedded_fonts(pdf)
    assert fonts and all(emb == "yes" for _name, emb in fonts)
    assert any("CJK" in name or "WenQuanYi" in name for name, _emb in fonts)
    text = poppler("pdftotext", pdf)
    assert made.number in text and "张伟" in text
    assert reverse("certificates:verify", args=[made.token]) in "".join(text.split())
    assert pages(pdf) == 1


def test_the_refusal_note_is_one_page_citing_the_ban_and_who_issues_instead(
    as_user, staff_a, make_request, world, types
):
    made = make_request(world.community_a, NO_CRIME, institution="工商银行")
    pdf = as_user(staff_a).get(reverse("certificates:note_pdf", args=[made.pk])).content
    fonts = embedded_fonts(pdf)
    assert fonts and all(emb == "yes" for _name, emb in fonts)
    text = "".join(poppler("pdftotext", pdf).split())
    assert "公安机关" in text and "工商银行" in text
    assert "".join(types[NO_CRIME].basis.split()) in text
    assert pages(pdf) == 1


def test_the_referral_note_says_what_evidence_to_bring(as_user, staff_a, make_request, world):
    made = make_request(world.community_a, refer=True, evidence_needed="房屋租赁合同")
    pdf = as_user(staff_a).get(reverse("certificates:note_pdf", args=[made.pk])).content
    assert "房屋租赁合同" in "".join(poppler("pdftotext", pdf).split())
