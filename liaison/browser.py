"""Headless Debian chromium for the real-browser journeys (Playwright drives it).

The machine has no internet: Playwright's own browser download is not used; the flags
keep chromium from reaching out at start-up.
"""

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError(
            "Debian chromium is not installed: run `make browser` (apt-get install chromium)"
        )
    return path
