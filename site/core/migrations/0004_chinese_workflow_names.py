"""Wagtail's default moderation workflow and its task get Chinese names.

Wagtail's migration names both after the groups that may publish ("Moderators approval");
the names are data, not translated strings, so a Chinese editor saw English in the status
panel, the submit button's menu, the review dashboard and the notification e-mails. Only
the names Wagtail gave are changed: a workflow someone renamed keeps its name.
"""

from django.db import migrations

WAGTAIL_NAME = "Moderators approval"
WORKFLOW_NAME = "审核后发布"
TASK_NAME = "审核员审批"


def rename(apps, old_workflow, new_workflow, old_task, new_task):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=old_workflow).update(
        name=new_workflow
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=old_task).update(name=new_task)


def to_chinese(apps, schema_editor):
    rename(apps, WAGTAIL_NAME, WORKFLOW_NAME, WAGTAIL_NAME, TASK_NAME)


def to_english(apps, schema_editor):
    rename(apps, WORKFLOW_NAME, WAGTAIL_NAME, TASK_NAME, WAGTAIL_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_site_managers_and_filing_numbers"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(to_chinese, to_english)]
