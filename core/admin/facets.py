"""The admin's "Show counts" in one grouped query per list filter.

Django counts every option of a filter with a ``COUNT(...) FILTER (WHERE ...)`` of its own: for
a relation with hundreds of options (authorities, the provinces of the zones a document concerns)
each row of the join is tested against every option, and a filter with lookups of its own (a
year) adds a subquery per option. Grouping the filtered records by the filter's value once gives
the same counts in one pass. Each record counts once per option, however many links lead there.
"""

from django.contrib import admin
from django.db.models import Count, F


def filtered_records(list_filter, changelist):
    """The change list's records with every filter applied but this one's, as Django counts
    them, without ordering or prefetching (they only feed a grouped count)."""
    queryset = changelist.get_queryset(
        list_filter.request, exclude_parameters=list_filter.expected_parameters()
    )
    return queryset.order_by().prefetch_related(None)


def counts_by(queryset, value) -> dict:
    """How many distinct records each value of ``value`` (a field path or an expression) has."""
    if isinstance(value, str):
        value = F(value)
    rows = (
        queryset.annotate(facet_value=value)
        .values("facet_value")
        .annotate(count=Count("pk", distinct=True))
        .values_list("facet_value", "count")
    )
    return dict(rows)


class GroupedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related record (also through a many-to-many or a longer path), counted by
    grouping."""

    def get_facet_queryset(self, changelist):
        counts = counts_by(filtered_records(self, changelist), self.field_path)
        facets = {f"{pk}__c": counts.get(pk, 0) for pk, _label in self.lookup_choices}
        facets["__c"] = counts.get(None, 0)
        return facets


class GroupedChoicesFieldListFilter(admin.ChoicesFieldListFilter):
    """A filter by a field with choices, counted by grouping."""

    def get_facet_queryset(self, changelist):
        counts = counts_by(filtered_records(self, changelist), self.field_path)
        values = [value for value, _label in self.field.flatchoices]
        return {f"{i}__c": counts.get(value, 0) for i, value in enumerate(values)}
