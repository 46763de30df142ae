import pytest

from core.search import Term, cjk_terms, parse_query, search_query
from policies.models import PolicyDocument
from tests.factories import PolicyDocumentFactory


def test_chinese_is_indexed_as_overlapping_pairs():
    assert cjk_terms("滨海新区") == "滨海 海新 新区 区"
    assert cjk_terms("AI 冬奥，港") == "冬奥 奥 港"


def test_query_of_only_symbols_searches_nothing():
    assert search_query(" &|!():* ") is None
    assert search_query("") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["a & b", "!!!", "'quoted", '"unclosed', "foo:*", "(", "<->", "滨 & 海", "or or", "-", "\\"],
)
def test_odd_queries_run_without_error(typed):
    PolicyDocumentFactory(title_en="Smart port notice")
    query = search_query(typed)
    if query is not None:
        list(PolicyDocument.objects.filter(search_vector=query))


@pytest.mark.django_db
def test_english_search_stems_and_chinese_matches_two_characters():
    document = PolicyDocumentFactory(title_en="Smart ports", title_zh_hans="天津滨海新区智能港口")
    PolicyDocumentFactory(title_en="Unrelated", title_zh_hans="其他")

    for typed in ["smart port", "滨海", "港口", "智能港口"]:
        found = PolicyDocument.objects.filter(search_vector=search_query(typed))
        assert list(found) == [document], typed


@pytest.mark.django_db
def test_chinese_phrase_must_be_contiguous():
    PolicyDocumentFactory(title_zh_hans="滨江和海新")

    assert not PolicyDocument.objects.filter(search_vector=search_query("滨海")).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("港口 -天津", {"ningbo"}),
        ("smart port -Tianjin", {"ningbo"}),
        ("港口 －天津", {"ningbo"}),
        ('"智能 港口"', {"tianjin"}),
        ("“智能港口”", {"tianjin"}),
        ('"smart port"', {"tianjin"}),
        ("天津 or 宁波", {"tianjin", "ningbo"}),
    ],
)
def test_minus_and_quotes_work_in_chinese_as_in_english(typed, expected):
    PolicyDocumentFactory(
        slug="tianjin",
        title_en="Tianjin smart port",
        title_zh_hans="天津智能港口",
    )
    PolicyDocumentFactory(
        slug="ningbo", title_en="Port of Ningbo, smart", title_zh_hans="宁波港口智能"
    )

    found = PolicyDocument.objects.filter(search_vector=search_query(typed))

    assert {document.slug for document in found} == expected


def test_the_parser_reads_words_phrases_exclusions_and_alternatives():
    assert parse_query('"smart port" -天津 AI先导区 or 港口') == (
        Term("smart port", chinese=False, phrase=True),
        Term("天津", chinese=True, excluded=True),
        Term("先导区", chinese=True),
        Term("AI", chinese=False),
        Term("港口", chinese=True, alternative=True),
    )
