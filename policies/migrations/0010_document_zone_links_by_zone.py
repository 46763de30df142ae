from django.db import migrations


class Migration(migrations.Migration):
    """The links of a zone to its documents, newest document first, without reading the table:
    a document page takes each of its zones' newest documents as candidates for "other
    documents about the same zones". The link table is Django's own, so the index is SQL."""

    dependencies = [
        ("policies", "0009_document_facets_index_batch_successor"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX document_zone_links_by_zone "
            "ON policies_policydocument_zones (zone_id, policydocument_id)",
            "DROP INDEX document_zone_links_by_zone",
        ),
    ]
