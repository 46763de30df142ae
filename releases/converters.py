"""Path converters for the addresses of release files: anything else is no release's file and
gets a 404 before the database is asked."""

from releases.models import VERSION_PATTERN


class ReleaseVersionConverter:
    regex = VERSION_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ReleaseFileNameConverter(ReleaseVersionConverter):
    regex = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"
