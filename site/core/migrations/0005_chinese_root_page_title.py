"""Wagtail's root page (depth 1) gets a Chinese title.

Wagtail's migration calls it "Root"; the title is data, not a translated string, so a
Chinese editor saw "Root" at the start of every edit view's breadcrumb (issue 12). Only the
title Wagtail gave is changed: a root page someone renamed keeps its name.
"""

from django.db import migrations

WAGTAIL_TITLE = "Root"
CHINESE_TITLE = "全部页面"


def rename(apps, old, new):
    pages = apps.get_model("wagtailcore", "Page").objects.filter(depth=1)
    pages.filter(title=old).update(title=new)
    pages.filter(draft_title=old).update(draft_title=new)


def to_chinese(apps, schema_editor):
    rename(apps, WAGTAIL_TITLE, CHINESE_TITLE)


def to_english(apps, schema_editor):
    rename(apps, CHINESE_TITLE, WAGTAIL_TITLE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_chinese_workflow_names"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(to_chinese, to_english)]
