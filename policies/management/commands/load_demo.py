from pathlib import Path

from django.core.management.base import BaseCommand

from policies.demo import DEMO_DATA, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo dataset: programs, batches, zones, focus areas, authorities and documents. "
        "Safe to run again: it changes nothing that is already loaded and never overwrites a "
        "record an editor has changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEMO_DATA, help="The data file to load.")

    def handle(self, *args, path, **options):
        report = demo_load(path=path)
        self.stdout.write(f"Loaded the demo dataset from {path.name}:")
        for line in report.lines():
            self.stdout.write(line)
        if not report.created and not report.updated:
            self.stdout.write(self.style.SUCCESS("Nothing to do: the demo data is already loaded."))
