"""The ``medbridge`` console script: Django's management commands under one name.

``medbridge load-reference``, ``medbridge import FILE.xlsx``, ``medbridge seed-demo``
and the rest are management commands; this entry point only sets the settings
module, so that the commands and ``manage.py`` stay one and the same.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medbridge.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "medbridge"
    # Command names use hyphens on the command line and underscores in Python.
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
