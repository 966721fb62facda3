"""Production readiness that the whole suite can check: headers, health, deploy checks."""

import pytest

from tests.processes import ROOT, run_in_production


def test_public_pages_send_a_strict_content_security_policy(client, site_tree):
    response = client.get("/zh-hans/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_public_pages_need_no_inline_script_or_style(client, site_tree):
    from tests import factories

    guide = factories.GuidePageFactory(parent=site_tree["library"])
    for url in ["/zh-hans/", site_tree["library"].url, guide.url, "/zh-hans/search/?q=x"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url


def test_healthz_reports_database_cache_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "ok (tasks run inline)",
    }


@pytest.mark.processes
def test_production_settings_pass_the_deploy_checklist():
    result = run_in_production(
        str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Only the cache backend's note (core.I001, tests/core/test_cache_faults.py) is shown.
    assert "WARNINGS:" not in output and "ERRORS:" not in output, output
    assert "System check identified 1 issue" in output, output


@pytest.mark.processes
def test_gunicorn_configuration_loads_the_site():
    result = run_in_production(
        "-m", "gunicorn", "--check-config", "--print-config", WEB_CONCURRENCY="3"
    )
    assert result.returncode == 0, result.stderr
    printed = dict(
        (line.split("=", 1)[0].strip(), line.split("=", 1)[1].strip())
        for line in result.stdout.splitlines()
        if "=" in line
    )
    assert printed["wsgi_app"] == "config.wsgi" and printed["workers"] == "3"
