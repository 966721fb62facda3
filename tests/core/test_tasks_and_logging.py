"""Scheduled publishing runs on Celery beat; production logs are JSON lines."""

import datetime
import json
import logging

from django.conf import settings
from django.utils import timezone

from core.logging import JsonFormatter
from core.tasks import publish_scheduled_pages
from tests import factories


def test_beat_runs_scheduled_publishing_and_the_weekly_summaries():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"core.tasks.publish_scheduled_pages", "campaigns.tasks.send_weekly_summaries"} <= tasks
    # Redis must not hand a running task out again before the longest one can finish.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > (
        settings.CELERY_TASK_TIME_LIMIT
    )


def test_a_scheduled_page_goes_live_when_the_task_runs_after_its_time(site_tree, monkeypatch):
    alert = factories.AlertPageFactory(
        parent=site_tree["alerts"], live=False, title="定时发布的预警"
    )
    alert.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    alert.save_revision().publish()  # scheduled, not live yet
    publish_scheduled_pages()  # too early: nothing happens
    alert.refresh_from_db()
    assert not alert.live
    an_hour_later = timezone.now() + datetime.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: an_hour_later)  # rather than wait for it
    publish_scheduled_pages()
    alert.refresh_from_db()
    assert alert.live


def test_json_log_lines():
    record = logging.LogRecord(
        "campaigns", logging.WARNING, __file__, 1, "导入失败：%s", ("events.csv",), None
    )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "campaigns"
    assert entry["message"] == "导入失败：events.csv"
