"""Text helpers shared by the apps: pinyin sort keys and Markdown rendered safely."""

import markdown
import nh3
from pypinyin import Style, lazy_pinyin

# Each language named in itself, as a bilingual editor scans for it: in the newsroom's labels
# and in the headers of its spreadsheets.
LANGUAGE_LABELS = {"en": "English", "zh-hans": "中文"}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan"},
    "th": {"colspan"},
}


def pinyin_key(text: str) -> str:
    """A sort key that orders Chinese by its pinyin reading (with tone numbers), Latin as is."""
    syllables = lazy_pinyin(text or "", style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(s.strip().lower() for s in syllables if s.strip())[:400]


def render_markdown(source: str) -> str:
    """Markdown to HTML that cannot carry script: rendered, then sanitised by nh3."""
    html = markdown.markdown(
        source or "", extensions=["tables", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
