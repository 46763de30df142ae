"""Zones as GeoJSON: one Point feature per zone with a position, for the map and the API."""

from django.utils.translation import get_language


def zone_feature(zone, *, html_url: str) -> dict:
    chinese = (get_language() or "").startswith("zh")
    program = zone.program
    return {
        "type": "Feature",
        # GeoJSON (RFC 7946) orders a position as longitude, latitude.
        "geometry": {"type": "Point", "coordinates": [float(zone.longitude), float(zone.latitude)]},
        "properties": {
            "slug": zone.slug,
            "name": (chinese and zone.name_zh_hans) or zone.name_en,
            "name_en": zone.name_en,
            "name_zh_hans": zone.name_zh_hans,
            "program": program.slug,
            "program_name": (chinese and program.name_zh_hans) or program.name_en,
            "batch": zone.batch.number if zone.batch_id else None,
            "province": zone.province.slug,
            "approved_on": zone.approved.iso or None,
            "url": html_url,
        },
    }


def feature_collection(zones, *, html_url) -> dict:
    """``html_url(zone)`` gives each zone's public page; zones without a position are left out."""
    return {
        "type": "FeatureCollection",
        "features": [
            zone_feature(zone, html_url=html_url(zone))
            for zone in zones
            if zone.latitude is not None and zone.longitude is not None
        ],
    }


def places_collection(zones, *, html_url) -> dict:
    """One Point feature per place for the site's maps, listing in ``zones`` every zone there.

    A city can hold a zone of each program at the same point; two markers there would hide
    each other, so the place's marker names and links to all of its zones.
    """
    places: dict[tuple, dict] = {}
    for feature in feature_collection(zones, html_url=html_url)["features"]:
        zone = feature["properties"]
        place = places.setdefault(
            tuple(feature["geometry"]["coordinates"]),
            {**feature, "properties": {**zone, "zones": []}},
        )
        place["properties"]["zones"].append(zone)
    for place in places.values():
        place["properties"]["name"] = " · ".join(z["name"] for z in place["properties"]["zones"])
    return {"type": "FeatureCollection", "features": list(places.values())}
