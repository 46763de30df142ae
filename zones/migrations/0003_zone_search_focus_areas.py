"""Zones are found by the labels of their focus areas: recompute every zone's search vector with
the texts ``Zone.search_texts()`` gives, focus-area labels included."""

from django.db import migrations

from core.search import search_vector_expression


def zone_texts(zone) -> list[tuple[str, str, str]]:
    province = zone.province
    texts = [
        (zone.name_en, "en", "A"),
        (zone.name_zh_hans, "zh-hans", "A"),
        (zone.city_en, "en", "B"),
        (zone.city_zh_hans, "zh-hans", "B"),
        (province.name_en, "en", "B"),
        (province.name_zh_hans, "zh-hans", "B"),
        (zone.summary_en, "en", "C"),
        (zone.summary_zh_hans, "zh-hans", "C"),
    ]
    areas = zone.focus_areas.order_by("name_en", "pk")
    for name_en, name_zh in areas.values_list("name_en", "name_zh_hans"):
        texts += [(name_en, "en", "B"), (name_zh, "zh-hans", "B")]
    return texts


def refresh_zone_vectors(apps, schema_editor):
    Zone = apps.get_model("zones", "Zone")
    for zone in Zone.objects.select_related("province").iterator(chunk_size=500):
        Zone.objects.filter(pk=zone.pk).update(
            search_vector=search_vector_expression(zone_texts(zone))
        )


class Migration(migrations.Migration):
    dependencies = [("zones", "0002_go_live_indexes")]

    operations = [migrations.RunPython(refresh_zone_vectors, migrations.RunPython.noop)]
