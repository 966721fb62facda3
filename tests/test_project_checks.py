"""Project-wide checks CI relies on: system checks, migrations that match the models, and
imports that point one way."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from importlinter.cli import lint_imports


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_imports_point_one_way_and_form_no_circle():
    """config -> campaigns -> materials -> core, and no circle inside an app (.importlinter).

    grimp reads every import statement, those inside functions included, so an import
    moved into a function to dodge a circle still counts.
    """
    contracts = Path(__file__).resolve().parents[1] / ".importlinter"
    assert lint_imports(config_filename=str(contracts), no_cache=True) == 0
