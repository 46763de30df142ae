"""To-many relations read inside a record's own query, for pages that show one record whole.

``prefetch_related`` reads each relation with a query of its own: a document page with nine
lists (its authorities, zones, directives, …) costs ten queries, and Django spends more time
building and running each one than PostgreSQL does answering it. An :class:`Inline` reads the
same related records as a JSON array inside the record's own query (``ARRAY(SELECT
jsonb_build_object(…) …)``), builds them as model instances and puts them where
``prefetch_related`` would have, so ``document.zones.all()`` reads no more queries and
templates do not change::

    inline(
        PolicyDocument.objects.published(),
        Inline("zones", Zone.objects.published(), ("slug", "name_en"),
               related={"program": ("slug", "name_en")}),
    )

Each inline names the fields it reads, and only those are set: reading another field of the
instance would cost a query, as it does for any deferred field.

It is for reading one record: PostgreSQL builds the arrays of every row it reads, and a page of
a list read with ``OFFSET`` reads the rows it skips (page 2,000 of the documents took four
seconds), so lists keep ``prefetch_related``.
"""

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import ForeignObjectRel, Func, JSONField, ManyToManyField, OuterRef
from django.db.models.query import ModelIterable

# The annotation an inline's array is read into, before it becomes the relation's cache.
PREFIX = "_inline_"


class Joined:
    """A record a foreign key points to, read with the row that points to it: its ``fields``
    and, by the names of its own foreign keys, the records they point to (``related``, each a
    tuple of fields or a ``Joined``)."""

    def __init__(self, fields, related=None):
        self.fields = ("pk", *fields)
        self.related = {
            name: spec if isinstance(spec, Joined) else Joined(spec)
            for name, spec in (related or {}).items()
        }

    def columns(self, prefix: str = "") -> dict:
        """The JSON row's columns, each a lookup from the row's own model."""
        columns = {name: prefix + name for name in self.fields}
        for name, spec in self.related.items():
            columns[name] = JSONRow(**spec.columns(f"{prefix}{name}__"))
        return columns

    def build(self, model, row: dict, db: str):
        record = from_json(model, row, self.fields, db)
        for name, spec in self.related.items():
            field = model._meta.get_field(name)
            target = row[name]
            value = None if target["pk"] is None else spec.build(field.related_model, target, db)
            field.set_cached_value(record, value)
        return record


class Inline:
    """One to-many relation of a model: which related records (a filtered and ordered
    ``queryset``), which of their ``fields``, the records they point to (``related``, as
    :class:`Joined` takes it) and their own inlined relations (``inlines``).

    With ``limit``, only the first records are read, into a list named ``to_attr`` (as
    ``Prefetch(to_attr=…)`` does): the relation's own cache only ever holds all of them.
    Each record of a reverse foreign key knows its parent, as after ``prefetch_related``."""

    def __init__(
        self, relation, queryset, fields, related=None, inlines=(), limit=None, to_attr=None
    ):
        if limit is not None and to_attr is None:
            raise ValueError("A limited inline needs a to_attr for its records.")
        self.relation = relation
        self.queryset = queryset
        self.model = queryset.model
        self.row = Joined(fields, related)
        self.inlines = inlines
        self.limit = limit
        self.to_attr = to_attr
        self.alias = PREFIX + (to_attr or relation)
        self.expressions = {}

    def expression(self, model):
        """The JSON array of the related records of each row of ``model``, built once."""
        if model not in self.expressions:
            back = back_lookup(model, self.relation)
            rows = self.queryset.filter(**{back: OuterRef("pk")})
            if hasattr(rows, "rewrite"):
                # django-modeltranslation's querysets would add every field to ``values()``.
                rows = rows.rewrite(False)
            columns = self.row.columns()
            for inline in self.inlines:
                columns[inline.alias] = inline.expression(self.model)
            rows = rows.values(row=JSONRow(**columns))[: self.limit]
            self.expressions[model] = ArraySubquery(rows)
        return self.expressions[model]

    def install(self, instance, rows, db: str) -> None:
        """Build the related records of ``instance`` from their JSON ``rows``, read from the
        database ``db``, and cache them as ``prefetch_related`` does."""
        records = [self.build(row, db) for row in rows or ()]
        relation = instance._meta.get_field(self.relation)
        if relation.one_to_many:
            for record in records:
                relation.field.set_cached_value(record, instance)
        if self.to_attr:
            setattr(instance, self.to_attr, records)
            return
        manager = getattr(instance, self.relation)
        queryset = manager.get_queryset()
        queryset._result_cache = records
        queryset._prefetch_done = True
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[cache_name(manager)] = queryset

    def build(self, row, db: str):
        record = self.row.build(self.model, row, db)
        for inline in self.inlines:
            inline.install(record, row[inline.alias], db)
        return record


# The keys of a JSON row: names of fields and relations, written into the SQL as they are.
KEY = re.compile(r"[a-z_][a-z0-9_]*")


class JSONRow(Func):
    """``jsonb_build_object('key', value, …)``: Django's ``JSONObject`` with its keys written
    into the SQL instead of cast from parameters one by one, which is slower to compile."""

    output_field = JSONField()

    def __init__(self, **columns):
        for key in columns:
            if not KEY.fullmatch(key):
                raise ValueError(f"{key!r} is not a field name.")
        self.keys = tuple(columns)
        super().__init__(*columns.values())

    def as_sql(self, compiler, connection, **extra_context):
        pairs, params = [], []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, expression_params = compiler.compile(expression)
            pairs.append(f"'{key}', {sql}")
            params.extend(expression_params)
        return f"JSONB_BUILD_OBJECT({', '.join(pairs)})", params


def from_json(model, row: dict, fields, db: str) -> object:
    """A model instance from a JSON object holding ``fields`` (and ``pk``); the rest deferred."""
    opts = model._meta
    values = {opts.pk.attname: row["pk"]}
    for name in fields:
        if name == "pk":
            continue
        field = opts.get_field(name)
        value = row[name]
        values[field.attname] = value if value is None else field.to_python(value)
    return model.from_db(db, list(values), list(values.values()))


def back_lookup(model, relation: str) -> str:
    """The lookup from the related model back to ``model`` through ``relation``."""
    field = model._meta.get_field(relation)
    if isinstance(field, ManyToManyField):
        return field.related_query_name()
    if isinstance(field, ForeignObjectRel):
        return field.field.name
    raise ValueError(f"{model.__name__}.{relation} is not a to-many relation.")


def cache_name(manager) -> str:
    """Where ``prefetch_related`` keeps a relation's records on the instance."""
    name = getattr(manager, "prefetch_cache_name", None)
    return name or manager.field.remote_field.cache_name


class InlineIterable(ModelIterable):
    """Model instances whose inlined relations are installed as they are read."""

    def __iter__(self):
        inlines, db = self.queryset.query.inlines, self.queryset.db
        for instance in super().__iter__():
            for inline in inlines:
                inline.install(instance, instance.__dict__.pop(inline.alias), db)
            yield instance


def inline(queryset, *inlines):
    """``queryset`` reading ``inlines`` with each of its records."""
    model = queryset.model
    queryset = queryset.annotate(**{each.alias: each.expression(model) for each in inlines})
    queryset.query.inlines = (*getattr(queryset.query, "inlines", ()), *inlines)
    queryset._iterable_class = InlineIterable
    return queryset
