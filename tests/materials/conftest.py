import shutil
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def no_drawings_from_other_tests():
    """Poster PDFs and share cards are stored by page, revision and content; the test
    database hands out the same ids again after each rollback, the media folder does not
    forget. Start each test without them."""
    yield
    for folder in ("print", "share"):
        shutil.rmtree(Path(settings.MEDIA_ROOT) / folder, ignore_errors=True)
