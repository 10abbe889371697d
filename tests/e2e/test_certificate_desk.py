"""The certificate desk in a browser: a banned request refused with its note, a residence
certificate issued and numbered, and the register counting both."""

import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def pdf_text(download, path) -> str:
    download.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return "".join(text.split())


def counts(page, live_server, year) -> dict[str, int]:
    page.goto(f"{live_server.url}/certificates/counts/?year={year}")
    return {
        key: int(page.locator(f"#total-{key}").inner_text())
        for key in ("issued", "refused", "referred")
    }


def test_refuse_a_banned_certificate_then_issue_a_residence_one(page, live_server, demo, tmp_path):
    year = timezone.localdate().year
    login(page, live_server, "aiguo")
    before = counts(page, live_server, year)

    # A bank demanded a no-criminal-record certificate: the desk refuses it.
    page.goto(f"{live_server.url}/certificates/new/")
    page.fill("#id_words", "银行要我开个无犯罪证明")
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text("无犯罪记录证明")
    expect(suggestions).to_contain_text("公安机关")
    suggestions.get_by_label(re.compile("无犯罪记录证明")).check()
    page.fill("#id_resident_name", "赵磊")
    page.fill("#id_purpose", "办理信用卡")
    page.fill("#id_institution", "中国工商银行爱国路支行")
    page.select_option("#id_institution_kind", "bank")
    page.locator("button[name=save]").click()
    expect(page.locator("#request-outcome")).to_have_text("已拒绝（禁止出具）")
    expect(page.locator("#refer-to")).to_have_text("公安机关")
    with page.expect_download() as download:
        page.locator("#note-pdf").click()
    note = pdf_text(download.value, tmp_path / "note.pdf")
    assert "公安机关" in note and "关于改进和规范基层群众性自治组织出具证明工作的指导意见" in note
    assert "中国工商银行爱国路支行" in note

    # A residence certificate for a school: issued with the community's next number.
    page.goto(f"{live_server.url}/certificates/new/")
    page.fill("#id_words", "孩子上学要居住证明")
    suggestions = page.locator("#suggestions")
    suggestions.get_by_label(re.compile("居民在社区居住情况证明")).check()
    page.fill("#id_resident_name", "钱芳")
    page.fill("#id_national_id", "11010519491231002X")
    page.fill("#id_address", "爱国路12号院3栋201室")
    page.fill("#id_purpose", "子女入学")
    page.fill("#id_institution", "XX区实验小学")
    page.select_option("#id_institution_kind", "school")
    page.fill("#id_facts", "自2019年3月起在本社区居住至今")
    page.locator("button[name=save]").click()
    expect(page.locator("#request-outcome")).to_have_text("已开具")
    number = page.locator("#certificate-number").inner_text()
    assert re.fullmatch(rf"爱国居证〔{year}〕第\d{{3}}号", number)
    with page.expect_download() as download:
        page.locator("#certificate-pdf").click()
    certificate = pdf_text(download.value, tmp_path / "certificate.pdf")
    assert number in certificate and "钱芳" in certificate

    # The register counts both.
    after = counts(page, live_server, year)
    assert after["refused"] == before["refused"] + 1
    assert after["issued"] == before["issued"] + 1
    assert after["referred"] == before["referred"]
    page.goto(f"{live_server.url}/certificates/?q=爱国路支行&requested_on_after={year}-01-01")
    expect(page.locator("table")).to_contain_text("赵磊")
