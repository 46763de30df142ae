"""The Chinese catalogue: complete, faithful to the English it translates, compiled; and the
newsroom, the public pages and the API answering in Chinese to a reader who asks for it."""

import ast
import datetime
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from core.dates import DatePrecision
from core.models import Status
from core.services import record_save
from policies.models import Validity
from tests import people
from tests.factories import PolicyDocumentFactory, ZoneFactory

CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# %(name)s, %(count)d and {name}: what the code fills in, which a translation must keep.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
CHINESE = {"Accept-Language": "zh-Hans,zh;q=0.9,en;q=0.5"}


@dataclass
class Entry:
    line: int
    context: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def __str__(self):
        return f"django.po line {self.line}: {self.msgid!r}"


def read_catalogue(path: Path) -> list[Entry]:
    """The entries of a .po file, the header excluded. Entries are separated by blank lines."""
    entries = []
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0
    for end in [*(n for n, line in enumerate(lines) if not line.strip()), len(lines)]:
        if end > start:
            entries.append(_read_entry(lines[start:end], line=start + 1))
        start = end + 1
    return [entry for entry in entries if entry.msgid]


def _read_entry(lines: list[str], *, line: int) -> Entry:
    entry, target = Entry(line=line), None
    for text in lines:
        if text.startswith("#,"):
            entry.flags.update(flag.strip() for flag in text[2:].split(","))
        elif text.startswith("#"):
            continue  # a comment, a reference, or an obsolete entry ("#~")
        elif text.startswith('"'):
            value = ast.literal_eval(text)
            if isinstance(target, int):
                entry.msgstr[target] += value
            else:
                setattr(entry, target, getattr(entry, target) + value)
        else:
            keyword, _, quoted = text.partition(" ")
            value = ast.literal_eval(quoted)
            if keyword.startswith("msgstr"):
                target = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                entry.msgstr[target] = value
            else:
                target = {"msgctxt": "context"}.get(keyword, keyword)
                setattr(entry, target, value)
    return entry


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return read_catalogue(CATALOGUE)


# ---- the catalogue ---------------------------------------------------------------------------


def test_the_catalogue_reads_as_the_strings_it_holds(catalogue):
    # The parser itself: were it to read nothing, every check below would pass.
    assert len(catalogue) > 400
    year_only = next(entry for entry in catalogue if entry.context == "year-only date format")
    assert (year_only.msgid, year_only.msgstr) == ("Y", {0: "Y年"})
    assert any(entry.msgid_plural for entry in catalogue)


def test_no_string_is_left_untranslated_or_fuzzy(catalogue):
    untranslated = [
        str(entry) for entry in catalogue if not all(entry.msgstr.values()) or not entry.msgstr
    ]
    fuzzy = [str(entry) for entry in catalogue if "fuzzy" in entry.flags]

    assert untranslated == [], "Translate these, then run compilemessages"
    assert fuzzy == [], "Check these translations and remove their fuzzy flag"


def test_chinese_has_one_plural_form(catalogue):
    header = CATALOGUE.read_text(encoding="utf-8")

    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert all(set(entry.msgstr) == {0} for entry in catalogue if entry.msgid_plural)


def test_translations_keep_the_placeholders_and_the_markup(catalogue):
    broken = []
    for entry in catalogue:
        english = entry.msgid_plural or entry.msgid
        for chinese in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(chinese)):
                broken.append(f"{entry}: placeholders differ in {chinese!r}")
            if sorted(TAG.findall(english)) != sorted(TAG.findall(chinese)):
                broken.append(f"{entry}: markup differs in {chinese!r}")

    assert broken == []


def test_the_compiled_catalogue_is_the_current_one(catalogue):
    compiled = gettext.GNUTranslations(COMPILED.open("rb"))
    stale = []
    for entry in catalogue:
        if entry.msgid_plural:
            found = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        elif entry.context:
            found = compiled.pgettext(entry.context, entry.msgid)
        else:
            found = compiled.gettext(entry.msgid)
        if found != entry.msgstr[0]:
            stale.append(str(entry))

    assert stale == [], "Run manage.py compilemessages -l zh_Hans and commit django.mo"


# ---- as readers meet it ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_newsroom_follows_the_browser_language():
    document = PolicyDocumentFactory(status=Status.REVIEW)
    zone = ZoneFactory(name_en="Harbour District", name_zh_hans="港区")
    publisher = people.publisher()
    record_save(record=zone, expected_version=None, user=publisher)  # a line in the log
    client = people.client_for(publisher)

    index = client.get("/admin/", headers=CHINESE).text
    change = client.get(f"/admin/policies/policydocument/{document.pk}/change/", headers=CHINESE)
    english = client.get("/admin/").text

    assert '<html lang="zh-hans"' in index
    for words in ["人工智能先导区 — 编辑后台", "编辑工作台", "待审核", "定时发布", "最近修改"]:
        assert words in index
    assert "Waiting for review" not in index
    # Recent changes name each record in the editor's language.
    assert "港区" in index
    assert "Harbour District" not in index
    for words in ["立即发布", "定时发布…", "预览（英文）", "历史版本", "发布状态", "发文字号"]:
        assert words in change.text
    # A help text built when the form class is defined still follows the request's language.
    assert "成文日期：文件落款的日期。格式为 2021-02-19" in change.text
    assert "Waiting for review" in english
    assert "待审核" not in english
    assert "Harbour District" in english


@pytest.mark.django_db
def test_the_lock_out_page_speaks_chinese(settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(headers=CHINESE)
    for _ in range(3):
        locked = client.post("/admin/login/", {"username": "editor", "password": "wrong"})

    assert locked.status_code == 429
    assert "人工智能先导区 — 编辑后台" in locked.text
    assert "从此地址以“editor”登录已连续失败 2 次，暂时被锁定。" in locked.text
    assert "Django" not in locked.text


@pytest.mark.django_db
def test_the_workflow_confirmation_and_the_history_speak_chinese():
    zone = ZoneFactory()
    client = people.client_for(people.publisher())

    confirm = client.get(f"/admin/zones/zone/{zone.pk}/workflow/withdraw/", headers=CHINESE).text
    history = client.get(f"/admin/zones/zone/{zone.pk}/history/", headers=CHINESE).text

    assert "从公开网站撤回吗？记录及其历史版本仍保留在后台。" in confirm
    assert "是，继续" in confirm
    assert "否，返回" in confirm
    assert f"历史版本：{zone.name_zh_hans}" in history
    assert "修改内容" in history


@pytest.mark.django_db
def test_a_public_page_under_zh_hans_is_in_chinese(client):
    PolicyDocumentFactory(
        slug="state-council-plan",
        doc_number="国发〔2017〕35号",
        validity=Validity.IN_FORCE,
    )
    ZoneFactory(
        slug="year-only",
        approved_on=datetime.date(2019, 1, 1),
        approved_on_precision=DatePrecision.YEAR,
    )

    page = client.get("/zh-hans/policies/state-council-plan/").text
    zones = client.get("/zh-hans/zones/").text

    assert '<html lang="zh-Hans"' in page
    for words in ["发文字号", "国发〔2017〕35号", "发布日期", "现行有效", "引用格式"]:
        assert words in page
    assert "Document number" not in page
    assert "Date published" not in page
    assert "批复于2019年" in zones  # a year-only date, written the Chinese way


@pytest.mark.django_db
def test_the_api_explains_a_bad_request_in_the_readers_language(client):
    chinese = client.get("/api/v1/zones/", {"page": "0"}, headers=CHINESE)
    english = client.get("/api/v1/zones/", {"page": "0"})

    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["error"]["message"] == "以下查询参数的值无法使用：page。"
    assert english.json()["error"]["message"] == (
        "These query parameters have values the API cannot use: page."
    )
    assert "Accept-Language" in chinese["Vary"]
