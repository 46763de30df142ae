"""Fill the HTML bodies of the documents saved before they existed.

Not atomic: each batch commits on its own, so that the table stays readable and writable while
the bodies are rendered (minutes for 100,000 documents) and a rerun resumes where one stopped.
"""

from django.db import migrations, transaction

from core.text import render_markdown

BATCH = 500


def render_bodies(apps, schema_editor):
    documents = apps.get_model("policies", "PolicyDocument")
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                documents.objects.filter(pk__gt=last, body_html_en="", body_html_zh_hans="")
                .order_by("pk")
                .only("pk", "body_en", "body_zh_hans")[:BATCH]
            )
            if not batch:
                return
            for document in batch:
                document.body_html_en = render_markdown(document.body_en)
                document.body_html_zh_hans = render_markdown(document.body_zh_hans)
            documents.objects.bulk_update(batch, ["body_html_en", "body_html_zh_hans"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("policies", "0004_body_html")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop, elidable=True)]
