"""Front-end packages from npm, served file by file.

Only the files the pages link (settings.VENDOR_STATIC_FILES) are served from node_modules,
with the source maps they name when the package ships them: a whole package tree also holds
stylesheets that name maps npm does not ship, and production's manifest storage refuses to
collect those (collectstatic fails, every page answers 500).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFinder(BaseFinder):
    """settings.VENDOR_STATIC_FILES maps a static prefix (e.g. "vendor/htmx") to a folder
    under settings.NODE_MODULES and the files of it that are served under the prefix."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.packages = []  # (prefix, storage, served file names)
        for prefix, (folder, files) in settings.VENDOR_STATIC_FILES.items():
            root = Path(settings.NODE_MODULES) / folder
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix  # collectstatic and WhiteNoise put the files under it
            maps = [f"{name}.map" for name in files if (root / f"{name}.map").is_file()]
            self.packages.append((prefix, storage, [*files, *maps]))

    def check(self, **kwargs):
        return [
            Error(
                f"The front-end file {prefix}/{name} is missing from {storage.location}.",
                hint="Install the npm packages: make setup (npm ci).",
                id="liaison.E001",
            )
            for prefix, storage, names in self.packages
            for name in names
            if not storage.exists(name)
        ]

    def find(self, path, find_all=False, **kwargs):
        found = [
            storage.path(name)
            for prefix, storage, names in self.packages
            for name in names
            if path == f"{prefix}/{name}" and storage.exists(name)
        ]
        return found if find_all else (found[0] if found else None)

    def list(self, ignore_patterns):
        for _prefix, storage, names in self.packages:
            for name in names:
                if not matches_patterns(name, ignore_patterns):
                    yield name, storage
