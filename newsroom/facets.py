"""The admin's "Show counts" in one grouped query per list filter.

Django counts every option of a filter with a ``COUNT(...) FILTER (WHERE ...)`` of its own: for
a relation with hundreds of options (authorities, the provinces of the zones a document concerns)
each row of the join is tested against every option, and a filter with lookups of its own (a
year) adds a subquery per option. Grouping the filtered records by the filter's value once gives
the same counts in one pass. Each record counts once per option, however many links lead there.
"""

from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db import connections
from django.db.models import Count, F


def filtered_records(list_filter, changelist):
    """The change list's records with every filter applied but this one's, as Django counts
    them, without ordering or prefetching (they only feed a grouped count)."""
    queryset = changelist.get_queryset(
        list_filter.request, exclude_parameters=list_filter.expected_parameters()
    )
    return queryset.order_by().prefetch_related(None)


def counts_by(queryset, value, *, distinct: bool = False) -> dict:
    """How many records each value of ``value`` (a field path or an expression) has.

    ``distinct`` for a path through a many-to-many relation, where a record can reach one value
    by several links: the (value, record) pairs are made distinct by hashing, then counted,
    which is cheaper than ``COUNT(DISTINCT ...)``, whose sort PostgreSQL cannot hash.
    """
    if isinstance(value, str):
        value = F(value)
    rows = queryset.annotate(facet_value=value)
    if not distinct:
        grouped = rows.values("facet_value").annotate(count=Count("pk"))
        return dict(grouped.values_list("facet_value", "count"))
    pairs_sql, params = rows.values("facet_value", "pk").distinct().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"SELECT pairs.facet_value, COUNT(*) FROM ({pairs_sql}) pairs GROUP BY 1", params
        )
        return dict(cursor.fetchall())


class GroupedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related record (also through a many-to-many or a longer path), counted by
    grouping. Its choices are read once per request: counting builds the change list's filters
    again for each filter counted."""

    def field_choices(self, field, request, model_admin):
        cache = request.__dict__.setdefault("_list_filter_choices", {})
        key = (model_admin.model, self.field_path)
        if key not in cache:
            cache[key] = self.read_field_choices(field, request, model_admin)
        return cache[key]

    def read_field_choices(self, field, request, model_admin):
        return super().field_choices(field, request, model_admin)

    def get_facet_queryset(self, changelist):
        # A record links to a related record once (a many-to-many's pairs are unique), but may
        # reach one of its parents (a zone's province) by several links.
        duplicates = "__" in self.field_path and lookup_spawns_duplicates(
            changelist.lookup_opts, self.field_path
        )
        records = filtered_records(self, changelist)
        counts = counts_by(records, self.field_path, distinct=duplicates)
        facets = {f"{pk}__c": counts.get(pk, 0) for pk, _label in self.lookup_choices}
        facets["__c"] = counts.get(None, 0)
        return facets


class GroupedChoicesFieldListFilter(admin.ChoicesFieldListFilter):
    """A filter by a field with choices, counted by grouping."""

    def get_facet_queryset(self, changelist):
        counts = counts_by(filtered_records(self, changelist), self.field_path)
        values = [value for value, _label in self.field.flatchoices]
        return {f"{i}__c": counts.get(value, 0) for i, value in enumerate(values)}
