#!/usr/bin/env python
"""Django's command-line utility for Fangzha."""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# site/ is a source root (not a package): the stdlib already owns the name "site".
sys.path.insert(0, str(BASE_DIR / "site"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
