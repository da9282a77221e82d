"""The `liaison` console command: Django's manage.py for this project.

Commands may be typed with hyphens (`liaison import-org`) or underscores.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "liaison"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
