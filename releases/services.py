"""Cutting a data release: the one write of this app, shared by the admin and ``manage.py
release``."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from public.cache import safe_bump
from releases.models import Release, ReleaseFile
from releases.package import build_package, changes_between, fingerprints, read_register

STORAGE_FOLDER = "releases"


def next_version(today) -> str:
    """``2026.12.07`` for the first release of a day, then ``2026.12.07.2``, ``.3``, …"""
    base = today.strftime("%Y.%m.%d")
    taken = set(Release.objects.filter(version__startswith=base).values_list("version", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}.{number}" in taken:
        number += 1
    return f"{base}.{number}"


def _store_files(release: Release, files) -> None:
    """Store the package ``files`` of ``release`` in its folder and record each of them; if one
    fails, the files stored so far are deleted again."""
    stored = []
    try:
        for position, file in enumerate(files):
            path = default_storage.save(
                f"{STORAGE_FOLDER}/{release.version}/{file.name}", ContentFile(file.content)
            )
            stored.append(path)
            ReleaseFile.objects.create(
                release=release,
                name=file.name,
                position=position,
                file=path,
                content_type=file.content_type,
                size=len(file.content),
                sha256=file.sha256,
            )
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise


@transaction.atomic
def release_cut(*, user=None, note: str = "") -> Release:
    """Cut a release of everything public now, store its files and record it.

    Releases are cut one at a time (a table lock), so two publishers pressing the button
    together get two versions, each compared with the one before it.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Release._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    cut_at = timezone.now()
    version = next_version(timezone.localdate(cut_at))
    previous = Release.objects.newest_first().first()
    data = read_register()
    current = fingerprints(data)
    changes = changes_between(previous.fingerprints if previous else {}, current)
    files = build_package(
        version=version,
        cut_at=cut_at,
        note=note,
        data=data,
        changes=changes,
        previous_version=previous.version if previous else None,
    )
    release = Release.objects.create(
        version=version,
        cut_at=cut_at,
        cut_by=user,
        note=note,
        changes=changes,
        record_counts={name: len(rows) for name, rows in data.items()},
        fingerprints=current,
    )
    _store_files(release, files)
    # The /data/ page lists the new release: pages kept in the cache are rebuilt, now and
    # again once the release is visible to other connections.
    safe_bump()
    transaction.on_commit(safe_bump)
    return release
