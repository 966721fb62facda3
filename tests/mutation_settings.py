"""Settings for mutation runs (scripts/mutation.sh): the test settings with the test
database in a file, so that `--reuse-db` migrates it once instead of once per mutant."""

from config.settings.test import *  # noqa: F403
from config.settings.test import os

_path = os.environ.get("FANGZHA_MUTATION_DB", "/tmp/fangzha-mutation.sqlite3")  # noqa: S108
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _path,
        "TEST": {"NAME": _path},
    }
}
