"""The filter machinery every list shares: one FilterSet serves a page, its API list, its CSV and
its feed, and computes facet counts for its own filters."""

from collections.abc import Callable
from dataclasses import dataclass, field

import django_filters
import django_filters.fields
from django import forms
from django.contrib.postgres.search import SearchRank
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_slug
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from core.search import (
    COUNT_CAP,
    MAX_QUERY_LENGTH,
    RANKED_CANDIDATES,
    normalise_query,
    search_query,
)


def chinese_active() -> bool:
    return (get_language() or "").lower().startswith("zh")


# The shortest substring a trigram index can find.
TRIGRAM = 3


# Described for the OpenAPI schema as what the form accepts: up to 200 characters, no NUL.
@extend_schema_field({"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\x00]*$"})
class SearchFilter(django_filters.CharFilter):
    """Full-text search over the model's ``search_vector`` (see ``core.search``).

    ``also_contains`` names short text fields that also match by substring (a zone's name, a
    document number), so that a partial name finds its record.
    """

    def __init__(self, *args, also_contains: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(*args, **kwargs)
        self.also_contains = also_contains

    def filter(self, qs, value):
        value = normalise_query(value)
        if not value:
            return qs
        query = search_query(value)
        condition = Q(search_vector=query) if query is not None else Q(pk__in=[])
        # A substring of three characters or more is found through a trigram index; a shorter
        # one would read every row, and the search vector already holds every pair of Chinese
        # characters of these fields.
        if len(value) >= TRIGRAM:
            for name in self.also_contains:
                condition |= Q(**{f"{name}__icontains": value})
        return qs.filter(condition)


# A parameter may repeat, but not without end: each value costs the database a comparison.
MAX_REPEATED_VALUES = 100
MAX_SLUG_LENGTH = 100


def check_repeated_values(values) -> None:
    if len(values) > MAX_REPEATED_VALUES:
        raise ValidationError(
            _("Give at most %(limit)s values."),
            code="too_many_values",
            params={"limit": MAX_REPEATED_VALUES},
        )


class SlugsField(django_filters.fields.ModelMultipleChoiceField):
    """Checks that every value looks like a slug before the database sees it: a NUL byte or a
    10 kB value is a form error, never a database error."""

    def _check_values(self, value):
        check_repeated_values(value)
        for item in value:
            if not isinstance(item, str) or len(item) > MAX_SLUG_LENGTH:
                raise ValidationError(
                    _("“%(value)s” is not a valid slug."),
                    code="invalid_slug",
                    params={"value": str(item)[:MAX_SLUG_LENGTH]},
                )
            try:
                validate_slug(item)
            except ValidationError:
                raise ValidationError(
                    _("“%(value)s” is not a valid slug."),
                    code="invalid_slug",
                    params={"value": item.replace("\x00", "")},
                ) from None
        return super()._check_values(value)


@extend_schema_field(
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": MAX_SLUG_LENGTH}
)
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Any of several related records, by slug. The parameter may repeat.

    Through a many-to-many field the filter is a semi-join (``EXISTS``), so a record that
    matches twice is still listed once and no ``DISTINCT`` is needed.
    """

    field_class = SlugsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        model_field = qs.model._meta.get_field(self.field_name.split("__")[0])
        if model_field.many_to_many and "__" not in self.field_name:
            through = model_field.remote_field.through
            return qs.filter(
                Exists(
                    through.objects.filter(
                        **{
                            model_field.m2m_field_name(): OuterRef("pk"),
                            f"{model_field.m2m_reverse_field_name()}__in": value,
                        }
                    )
                )
            )
        return qs.filter(**{f"{self.field_name}__in": value})


class MultipleIntegerField(forms.Field):
    """A repeated integer parameter (``?batch=1&batch=2``), each value checked for range."""

    widget = forms.SelectMultiple

    def __init__(self, *, min_value=1, max_value=999, **kwargs):
        super().__init__(**kwargs)
        self.item_field = forms.IntegerField(
            validators=[MinValueValidator(min_value), MaxValueValidator(max_value)]
        )

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        check_repeated_values(value)
        return sorted({self.item_field.clean(item) for item in value if item not in ("", None)})


# The OpenAPI schema describes the repeated parameter as what it is: a list of whole numbers.
@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": 999},
        "maxItems": MAX_REPEATED_VALUES,
    }
)
class MultipleIntegerFilter(django_filters.Filter):
    field_class = MultipleIntegerField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class MultipleChoicesField(django_filters.fields.MultipleChoiceField):
    def to_python(self, value):
        values = super().to_python(value)
        check_repeated_values(values)
        return values


class MultipleChoicesFilter(django_filters.MultipleChoiceFilter):
    """Any of several fixed choices (a document type, a validity). No join, so no distinct."""

    field_class = MultipleChoicesField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


@dataclass(frozen=True)
class Ordering:
    """One accepted ``ordering`` value and how it sorts in each language."""

    label: str
    english: tuple = ()
    chinese: tuple = ()
    relevance: bool = False

    def order_by(self) -> tuple:
        if chinese_active() and self.chinese:
            return self.chinese
        return self.english


class OrderingChoiceFilter(django_filters.ChoiceFilter):
    """``ordering`` limited to a whitelist; names sort by pinyin when the page is in Chinese.

    ``relevance`` sorts by search rank and is the default when there is a query.
    """

    def __init__(self, *args, orderings: dict[str, Ordering], default: str, tiebreak: str, **kw):
        self.orderings = orderings
        self.default = default
        self.tiebreak = tiebreak
        kw.setdefault("label", _("Sort by"))
        kw["choices"] = [(key, ordering.label) for key, ordering in orderings.items()]
        kw.setdefault("empty_label", None)
        super().__init__(*args, **kw)

    def filter(self, qs, value):
        query_text = normalise_query(self.parent.form.cleaned_data.get("q") or "")
        key = value or (
            "relevance" if query_text and "relevance" in self.orderings else self.default
        )
        ordering = self.orderings[key]
        if ordering.relevance:
            query = search_query(query_text) if query_text else None
            if query is None:
                ordering = self.orderings[self.default]
            else:
                # Rank only the first matches in the default order (the most recent documents):
                # ranking reads each match's whole search vector, and a common word matches
                # tens of thousands of records.
                latest = self.orderings[self.default].order_by()
                candidates = qs.order_by(*latest, self.tiebreak).values("pk")
                qs = qs.filter(pk__in=candidates[:RANKED_CANDIDATES]).annotate(
                    rank=SearchRank(F("search_vector"), query, cover_density=True)
                )
                return qs.order_by(F("rank").desc(nulls_last=True), self.tiebreak)
        return qs.order_by(*ordering.order_by(), self.tiebreak)


def name_ordering(label, field_en: str, field_pinyin: str, descending=False) -> Ordering:
    english = Lower(field_en).desc() if descending else Lower(field_en).asc()
    chinese = F(field_pinyin).desc() if descending else F(field_pinyin).asc()
    return Ordering(label=label, english=(english,), chinese=(chinese,))


@dataclass(frozen=True)
class Facet:
    """How to count one filter's options: the value path and where its labels come from."""

    value: str
    label_en: str | None = None
    label_zh: str | None = None
    sort_key: str | None = None
    choices: dict | None = None
    label_format: Callable[[object], str] | None = None
    # A second label that tells apart options of the same name (a zone's program).
    qualifier_en: str | None = None
    qualifier_zh: str | None = None
    # Only these related records count (e.g. published zones), as a Q on the relation path.
    restrict: Callable[[], Q] | None = None
    # Count by the related record's id, then read the labels of the records counted (two
    # queries): for a relation with thousands of records, whose labels and qualifier would
    # otherwise be joined and grouped for every link row.
    count_by_id: bool = False


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    sort_key: str = ""
    # The label in every language ("en", "zh-hans"), for the API, which serves both at once.
    labels: dict[str, str] = field(default_factory=dict)


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet that can also count, for each filter, the results each option would give.

    Counts are "disjunctive": an option's count applies every other filter but not the filter's
    own current choice, so that choosing a second option of the same filter adds to the results
    as its count promised. One aggregate query per filter.
    """

    facets: dict[str, Facet] = {}

    def filter_queryset(self, queryset, exclude=()):
        for name, value in self.form.cleaned_data.items():
            if name in exclude:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def searching(self) -> bool:
        search = self.filters.get("q")
        data = getattr(self.form, "cleaned_data", {})
        return isinstance(search, SearchFilter) and bool(data.get("q"))

    def selected_values(self, name) -> set[str]:
        value = self.form.cleaned_data.get(name) if self.is_bound and self.is_valid() else None
        if not value:
            return set()
        items = (
            value if isinstance(value, list | tuple | set) or hasattr(value, "model") else [value]
        )
        return {str(getattr(item, "slug", item)) for item in items}

    def facet_queryset(self, *names):
        """The results of every filter but ``names`` (and the ordering): what a facet counts.
        A search counts its first matches only, as its total does (see COUNT_CAP)."""
        queryset = self.filter_queryset(self.queryset, exclude={*names, "ordering"})
        if self.searching():
            first = queryset.order_by().values("pk")[:COUNT_CAP]
            queryset = self.queryset.filter(pk__in=first)
        return queryset

    def facet_counts(self) -> dict[str, list[FacetOption]]:
        if self.is_bound and not self.is_valid():
            return {}
        chinese = chinese_active()
        shared = self.shared_field_rows()
        result = {}
        for name, facet in self.facets.items():
            rows = shared[name] if name in shared else self.facet_rows(name, facet)
            selected = self.selected_values(name)
            options = []
            for row in rows:
                value = row[facet.value]
                labels = {
                    "en": facet_label(facet, row, chinese=False),
                    "zh-hans": facet_label(facet, row, chinese=True),
                }
                label = labels["zh-hans"] if chinese else labels["en"]
                pinyin = row.get(facet.sort_key) if chinese and facet.sort_key else None
                sort_key = str(pinyin or label).lower()
                options.append(
                    FacetOption(
                        str(value), label, row["count"], str(value) in selected, sort_key, labels
                    )
                )
            seen = {option.value for option in options}
            for value in selected - seen:
                options.append(
                    FacetOption(value, value, 0, True, value, {"en": value, "zh-hans": value})
                )
            options.sort(key=lambda option: (-option.count, option.sort_key))
            result[name] = options
        return result

    def facet_rows(self, name: str, facet: Facet):
        """One facet's rows: its value, its label fields and ``count``."""
        queryset = self.facet_queryset(name)
        label_fields = (
            facet.label_en,
            facet.label_zh,
            facet.sort_key,
            facet.qualifier_en,
            facet.qualifier_zh,
        )
        fields = [facet.value, *(f for f in label_fields if f)]
        relation = related_path(queryset.model, facet.value) if facet.count_by_id else None
        # Grouping by the labels joins and sorts the related table's text for every link
        # row: 0.8 s for the zones of 100,000 documents, against 0.35 s by id.
        condition = Q(**{f"{relation or facet.value}__isnull": False})
        if facet.restrict is not None:
            condition &= facet.restrict()
        counted = queryset.order_by().filter(condition)
        if relation is None:
            return counted.values(*fields).annotate(count=Count("pk"))
        return labelled_counts(queryset.model, relation, fields, counted)

    def shared_field_rows(self) -> dict[str, list[dict]]:
        """The rows of the facets on the model's own fields (a document's type, its validity)
        whose filters are not in use. Those facets count the same results, so one query grouped
        by all their fields reads them all, and each facet adds up its own."""
        data = getattr(self.form, "cleaned_data", {})
        names = [
            name
            for name, facet in self.facets.items()
            if "__" not in facet.value
            and facet.label_en is None
            and facet.restrict is None
            and not data.get(name)
        ]
        if len(names) < 2:
            return {}
        fields = [self.facets[name].value for name in names]
        groups = list(
            self.facet_queryset(*names).order_by().values(*fields).annotate(count=Count("pk"))
        )
        shared = {}
        for name, value_field in zip(names, fields, strict=True):
            counts: dict = {}
            for group in groups:
                if group[value_field] is not None:
                    counts[group[value_field]] = counts.get(group[value_field], 0) + group["count"]
            shared[name] = [{value_field: value, "count": count} for value, count in counts.items()]
        return shared


def related_path(model, value: str) -> str | None:
    """``zones`` for a facet value ``zones__slug`` of a relation; None for a field of the
    model itself or a longer path."""
    name, _, rest = value.partition("__")
    if not rest or "__" in rest:
        return None
    field = model._meta.get_field(name)
    return name if field.is_relation else None


def labelled_counts(model, relation: str, fields: list[str], counted) -> list[dict]:
    """Rows of ``fields`` plus ``count``, as ``counted.values(*fields).annotate(count=...)``
    gives them, from one query that counts by related id and then joins the labels of the ids
    counted (tens of rows), rather than the labels of every link row."""
    counts = counted.values(relation).annotate(count=Count("pk"))
    related = model._meta.get_field(relation).related_model
    prefix = f"{relation}__"
    local = [name.removeprefix(prefix) for name in fields]
    labels = related._base_manager.order_by().values("pk", *local)
    try:
        counts_sql, counts_params = counts.query.get_compiler(counted.db).as_sql()
    except EmptyResultSet:  # a selection that can match nothing, such as an empty search
        return []
    labels_sql, labels_params = labels.query.get_compiler(counted.db).as_sql()
    sql = (
        f'SELECT labels.*, counts."count" FROM ({labels_sql}) labels '
        f'JOIN ({counts_sql}) counts ON counts."{relation}" = labels."pk"'
    )
    with connections[counted.db].cursor() as cursor:
        cursor.execute(sql, [*labels_params, *counts_params])
        names = [column.name for column in cursor.description]
        records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # Records that share every field (batch 1 of two programs, for a facet by batch number)
    # are one option, as they are one group when grouping by the fields.
    rows: dict[tuple, dict] = {}
    for record in records:
        values = tuple(record[local_name] for local_name in local)
        row = rows.setdefault(values, {**dict(zip(fields, values, strict=True)), "count": 0})
        row["count"] += record["count"]
    return list(rows.values())


def facet_label(facet: Facet, row: dict, *, chinese: bool) -> str:
    """One option's label in English or Chinese, falling back to English where Chinese is empty."""
    value = row[facet.value]
    if facet.choices is not None or facet.label_format is not None:
        with translation.override("zh-hans" if chinese else "en"):
            if facet.choices is not None:
                return str(facet.choices.get(value, value))
            if facet.label_en:
                # The value's label, with the related record's name from the row.
                name = (chinese and row.get(facet.label_zh)) or row.get(facet.label_en) or ""
                return str(facet.label_format(value, name))
            return str(facet.label_format(value))
    label = (chinese and row.get(facet.label_zh)) or row.get(facet.label_en) or ""
    qualifier = (chinese and row.get(facet.qualifier_zh)) or row.get(facet.qualifier_en)
    return f"{label} · {qualifier}" if qualifier else label
