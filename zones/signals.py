"""Keeps a zone's search vector in step with its focus areas, which it is found by."""

from django.db.models.signals import m2m_changed

from zones.models import Zone


def refresh_zone_search_vectors(sender, instance, action, reverse, pk_set, **kwargs):
    """After focus areas are added to or removed from zones, from either side of the relation."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.refresh_search_vector()
        return
    zones = Zone._base_manager.filter(pk__in=pk_set) if pk_set else instance.zones.all()
    for zone in zones:
        zone.refresh_search_vector()


def connect() -> None:
    m2m_changed.connect(
        refresh_zone_search_vectors,
        sender=Zone.focus_areas.through,
        dispatch_uid="zones.refresh_zone_search_vectors",
    )
