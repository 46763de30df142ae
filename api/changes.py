"""The changes feed: what became public, changed or stopped being public in a time window.

A consumer that synced at ``since`` holds what the public could see then. The feed tells it, for
each record whose public face may differ at ``until``, what to do:

* ``published`` – public at ``until``, not at ``since``: fetch it;
* ``changed`` – public at both times, and it or a record it depends on was saved: fetch it again;
* ``withdrawn`` – public at ``since``, not at ``until`` but still in the register: drop it;
* ``deleted`` – public at ``since`` and removed from the register since: drop it;
* ``moved`` – public at both times under another key (its slug changed): drop the old key,
  ``replaced_by`` gives the new one, which also appears as ``changed``.

Both ends are read from the history tables (django-simple-history writes a row on every save,
change of related records and delete), as of each moment: the record's status and go-live time
then, and the same for the records its visibility depends on (a zone is public only while its
program and batch are; a directive only while its document and zone are). A record scheduled
for later therefore appears as ``published`` in the first window that contains its go-live time,
though nothing was saved then. A record that was never public in the window (a draft being
edited) never appears, so the feed reveals nothing unpublished.

Only records with an event in the window are examined: their own saves or go-live times, or
those of a record they depend on. The query count depends on the number of kinds of records, not
on how many there are. The answer for a given (since, until) never changes, so its pages are
stable; each answer gives its ``until`` for the next ``since``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max, Q

from core.models import Publishable, Status


@dataclass(frozen=True)
class Parent:
    """A record this one's visibility depends on, through a foreign key (``program_id``)."""

    field: str
    resource: str
    required: bool = True


@dataclass(frozen=True)
class FeedSource:
    resource: str
    model: type
    # key(state, parent_state) -> the record's key in the API; parent_state(resource, pk).
    key: Callable[[dict, Callable[[str, int], dict | None]], str]
    parents: tuple[Parent, ...] = ()
    # Fields of the history row that ``key`` reads (besides the parents' foreign keys).
    key_fields: tuple[str, ...] = ("slug",)
    detail_route: str = ""
    route_kwarg: str = "slug"

    @property
    def publishable(self) -> bool:
        return issubclass(self.model, Publishable)

    @property
    def history(self):
        return self.model.history.model

    def state_fields(self) -> list[str]:
        fields = ["id", "history_type", *self.key_fields, *(p.field for p in self.parents)]
        if self.publishable:
            fields += ["status", "go_live_at"]
        return list(dict.fromkeys(fields))


@dataclass(frozen=True)
class Change:
    resource: str
    key: str
    action: str
    changed_at: datetime
    replaced_by: str | None = None
    source: FeedSource | None = field(default=None, compare=False, repr=False)


class ChangesFeed:
    """``sources`` lists every kind of record in the feed, each after the ones it depends on."""

    def __init__(self, sources: list[FeedSource]):
        self.sources = sources
        self.by_resource = {source.resource: source for source in sources}

    def changes(self, since: datetime, until: datetime) -> list[Change]:
        if until <= since:
            return []
        events = self._events(since, until)
        states = {moment: self._states(events, moment) for moment in (since, until)}
        changes = []
        for source in self.sources:
            for pk, at in events[source.resource].items():
                changes += self._classify(source, pk, at, states, since, until)
        changes.sort(key=lambda change: (change.changed_at, change.resource, change.key))
        return changes

    # -- which records to look at --------------------------------------------------------------

    def _events(self, since, until) -> dict[str, dict[int, datetime]]:
        """For each kind, the records with something in the window, and the time of the latest."""
        events: dict[str, dict[int, datetime]] = {}
        for source in self.sources:
            found: dict[int, datetime] = {}
            saved = Q(history_date__gt=since, history_date__lte=until)
            condition = saved
            annotations = {"saved": Max("history_date", filter=saved)}
            if source.publishable:
                went_live = Q(go_live_at__gt=since, go_live_at__lte=until)
                condition |= went_live
                annotations["live"] = Max("go_live_at", filter=went_live)
            rows = source.history.objects.filter(condition).values("id").annotate(**annotations)
            for row in rows.order_by():
                times = [row["saved"], row.get("live")]
                found[row["id"]] = max(moment for moment in times if moment is not None)
            parent_events = {
                parent: events[parent.resource]
                for parent in source.parents
                if events[parent.resource]
            }
            if parent_events:
                depends = Q()
                for parent, changed in parent_events.items():
                    depends |= Q(**{f"{parent.field}__in": list(changed)})
                fields = [parent.field for parent in parent_events]
                for row in source.model._base_manager.filter(depends).values("id", *fields):
                    for parent, changed in parent_events.items():
                        moment = changed.get(row[parent.field])
                        if moment is None:
                            continue
                        if row["id"] not in found or moment > found[row["id"]]:
                            found[row["id"]] = moment
            events[source.resource] = found
        return events

    # -- what they were at a moment --------------------------------------------------------

    def _states(self, events, moment) -> dict[str, dict[int, dict | None]]:
        """Each record's history row as of ``moment`` (None if it did not exist then), for the
        records with events and every record they depend on."""
        needed = {resource: set(found) for resource, found in events.items()}
        states: dict[str, dict[int, dict | None]] = {}
        # Children first, so that their parents' ids are all known when the parents load.
        for source in reversed(self.sources):
            ids = needed[source.resource]
            loaded: dict[int, dict | None] = dict.fromkeys(ids)
            if ids:
                rows = (
                    source.history.objects.filter(id__in=ids, history_date__lte=moment)
                    .order_by("id", "-history_date", "-history_id")
                    .distinct("id")
                    .values(*source.state_fields())
                )
                for row in rows:
                    loaded[row["id"]] = row if row["history_type"] != "-" else None
            for row in loaded.values():
                if row is None:
                    continue
                for parent in source.parents:
                    if row[parent.field] is not None:
                        needed[parent.resource].add(row[parent.field])
            states[source.resource] = loaded
        return states

    def _visible(self, source: FeedSource, pk, moment, states) -> bool:
        state = states[source.resource].get(pk)
        if state is None:
            return False
        if source.publishable and not (
            state["status"] == Status.PUBLISHED
            and (state["go_live_at"] is None or state["go_live_at"] <= moment)
        ):
            return False
        for parent in source.parents:
            parent_pk = state[parent.field]
            if parent_pk is None:
                if parent.required:
                    return False
                continue
            if not self._visible(self.by_resource[parent.resource], parent_pk, moment, states):
                return False
        return True

    def _key(self, source: FeedSource, pk, states) -> str:
        def parent_state(resource, parent_pk):
            return states[resource].get(parent_pk)

        return source.key(states[source.resource][pk], parent_state)

    def _classify(self, source, pk, at, states, since, until) -> list[Change]:
        before = self._visible(source, pk, since, states[since])
        after = self._visible(source, pk, until, states[until])
        if after:
            key = self._key(source, pk, states[until])
            if not before:
                return [Change(source.resource, key, "published", at, source=source)]
            changes = [Change(source.resource, key, "changed", at, source=source)]
            old_key = self._key(source, pk, states[since])
            if old_key != key:
                changes.append(Change(source.resource, old_key, "moved", at, key, source=source))
            return changes
        if before:
            key = self._key(source, pk, states[since])
            action = "withdrawn" if states[until][source.resource].get(pk) else "deleted"
            return [Change(source.resource, key, action, at, source=source)]
        return []
