"""Full-text search in English and Chinese on one stored PostgreSQL tsvector.

English text goes through the ``english`` configuration (stemming, stop words). Chinese has no
spaces between words, so Chinese text is indexed as its overlapping character pairs (bigrams)
with the ``simple`` configuration: 滨海新区 becomes 滨海 海新 新区 区. A Chinese query is turned
into the same pairs and matched as a phrase (``<->``), which finds any run of two or more
characters exactly where it occurs, with the GIN index; a single character matches as a prefix.
"""

import re
from dataclasses import dataclass, replace

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Paginator
from django.db.models import Value
from django.utils.functional import cached_property

# CJK ideographs (unified, extension A, compatibility). Punctuation and kana are not included.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_QUERY_LENGTH = 200


def cjk_terms(text: str) -> str:
    """The overlapping character pairs of every Chinese run, and each run's last character."""
    terms: list[str] = []
    for run in CJK_RUN.findall(text or ""):
        terms.extend(run[i : i + 2] for i in range(len(run) - 1))
        terms.append(run[-1])
    return " ".join(terms)


def search_vector_expression(texts: list[tuple[str, str, str]]):
    """A tsvector expression from (text, language, weight) triples, for saving or updating."""
    vector = None
    for text, language, weight in texts:
        if not text:
            continue
        if language == "en":
            part = SearchVector(Value(text), config="english", weight=weight)
        else:
            part = SearchVector(Value(cjk_terms(text)), config="simple", weight=weight)
        vector = part if vector is None else vector + part
    return vector if vector is not None else SearchVector(Value(""), config="simple")


def normalise_query(q: str) -> str:
    """Collapse whitespace and drop control characters; the query stays plain text."""
    q = "".join(ch if ch.isprintable() else " " for ch in q or "")
    return " ".join(q.split())[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class Term:
    """One thing a reader asked for: a word or a quoted phrase, in English or in Chinese."""

    text: str
    chinese: bool
    phrase: bool = False
    excluded: bool = False
    # Joined to the term before it by ``or`` rather than by "and".
    alternative: bool = False


# A word, or a phrase in straight or curly quotes (the closing quote may be missing), with an
# optional minus sign in front.
TOKEN = re.compile(
    r'(?P<minus>[-－]?)(?:["“”「『](?P<phrase>[^"“”」』]*)["“”」』]?|(?P<word>[^\s"“”「『]+))'
)


def parse_query(q: str) -> tuple[Term, ...]:
    """The terms of what a reader typed, the same way in English and in Chinese.

    ``-word`` leaves a word out, ``"a phrase"`` matches the words in that order, ``or`` between
    two terms takes either. Chinese runs are terms of their own: ``-天津`` leaves out 天津 and
    ``"智能 港口"`` is the phrase 智能港口 (Chinese is written without spaces).
    """
    terms: list[Term] = []
    alternative = False
    for match in TOKEN.finditer(normalise_query(q)):
        excluded = bool(match["minus"])
        phrase = match["phrase"] is not None
        text = match["phrase"] if phrase else match["word"]
        if not phrase and not excluded and text.lower() == "or":
            alternative = bool(terms)
            continue
        runs = CJK_RUN.findall(text)
        # The rest as typed: PostgreSQL's parser reads words, hyphenated words and tags itself.
        latin = " ".join(CJK_RUN.sub(" ", text).split())
        if not re.search(r"\w", latin):
            latin = ""
        parts = [Term("".join(runs), True, phrase, excluded)] if phrase and runs else []
        if not phrase:
            parts = [Term(run, True, False, excluded) for run in runs]
        if latin:
            parts.append(Term(latin, False, phrase and " " in latin, excluded))
        for part in parts:
            terms.append(replace(part, alternative=alternative))
            alternative = False
    return tuple(terms)


def term_query(term: Term) -> SearchQuery:
    """The tsquery of one term, ignoring whether it is excluded."""
    if not term.chinese:
        search_type = "phrase" if term.phrase else "plain"
        return SearchQuery(term.text, search_type=search_type, config="english")
    if len(term.text) == 1:
        return SearchQuery(f"{term.text}:*", search_type="raw", config="simple")
    pairs = " ".join(term.text[i : i + 2] for i in range(len(term.text) - 1))
    return SearchQuery(pairs, search_type="phrase", config="simple")


def search_query(q: str) -> SearchQuery | None:
    """A tsquery for what a reader typed, or None when nothing searchable is left.

    English terms go through ``plainto_tsquery`` and ``phraseto_tsquery`` (stemming, stop
    words), which never raise on odd input. Chinese terms become phrase queries over character
    pairs; they only ever contain ideographs, so nothing a reader types reaches ``to_tsquery``
    unescaped.
    """
    query: SearchQuery | None = None
    for term in parse_query(q):
        part = ~term_query(term) if term.excluded else term_query(term)
        if query is None:
            query = part
        elif term.alternative:
            query = query | part
        else:
            query = query & part
    return query


# A search for a common word matches most of the register; counting every match costs a read of
# each one's search vector, so counts stop here and say "more than".
COUNT_CAP = 1000
# Relevance is computed for this many matches (the first in the list's default order), never
# for all of them.
RANKED_CANDIDATES = 500


def capped_count(queryset, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counted no further than ``cap``; and whether there are more."""
    found = queryset.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def highlight_terms(q: str) -> tuple[SearchQuery | None, list[str]]:
    """What to mark in results: a tsquery of the English terms a reader asked for, and their
    Chinese terms. Excluded terms are not marked."""
    english: SearchQuery | None = None
    chinese: list[str] = []
    for term in parse_query(q):
        if term.excluded:
            continue
        if term.chinese:
            chinese.append(term.text)
        else:
            english = term_query(term) if english is None else english | term_query(term)
    return english, chinese


# Highlighting. PostgreSQL marks English matches with these private-use characters rather than
# with HTML, so that the text can be escaped first and the marks turned into <mark> afterwards.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"


def headline(expression, query: SearchQuery, *, whole: bool = False):
    """A ``ts_headline`` of an English text; ``whole`` keeps all of it (for titles)."""
    from django.contrib.postgres.search import SearchHeadline

    options = {"start_sel": HIGHLIGHT_START, "stop_sel": HIGHLIGHT_STOP, "config": "english"}
    if whole:
        options["highlight_all"] = True
    else:
        options.update(max_words=35, min_words=15, max_fragments=2, fragment_delimiter=" … ")
    return SearchHeadline(expression, query, **options)


def marked_html(text: str, cjk_runs=()):
    """Text as safe HTML with matches in <mark>: PostgreSQL's marks and the query's Chinese runs.

    Each piece is escaped on its own, so nothing from the record or the query becomes markup.
    """
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    plain: list[str] = []
    marked: list[bool] = []
    inside = False
    for char in text or "":
        if char == HIGHLIGHT_START:
            inside = True
        elif char == HIGHLIGHT_STOP:
            inside = False
        else:
            plain.append(char)
            marked.append(inside)
    joined = "".join(plain)
    for run in set(cjk_runs):
        for found in re.finditer(re.escape(run), joined):
            marked[found.start() : found.end()] = [True] * (found.end() - found.start())
    pieces = []
    for is_marked, group in _runs_of(plain, marked):
        pieces.append(f"<mark>{escape(group)}</mark>" if is_marked else escape(group))
    return mark_safe("".join(pieces))


def _runs_of(chars: list[str], flags: list[bool]):
    start = 0
    for index in range(1, len(chars) + 1):
        if index == len(chars) or flags[index] != flags[start]:
            yield flags[start], "".join(chars[start:index])
            start = index


class CappedCountPaginator(Paginator):
    """A paginator that, with ``cap`` (a search), counts no further than the cap; ``capped``
    tells that there are more."""

    def __init__(self, *args, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def counted(self) -> tuple[int, bool]:
        if self.cap is None:
            return Paginator.count.func(self), False
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self):
        return self.counted[0]

    @property
    def capped(self) -> bool:
        return self.counted[1]
