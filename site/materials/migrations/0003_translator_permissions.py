"""Editors and Moderators translate pages and snippets with wagtail-localize.

Both groups get wagtail-localize's "submit_translation" (the Translate and Sync buttons).
Translating a scam type or an audience edits a snippet of that model, which Wagtail checks
per model, so Editors also get add/change on them (Moderators had them). Pages need nothing
new: both groups' page permissions sit on the root, above the Chinese and English trees.
"""

from django.db import migrations

GRANTS = {
    "Editors": [
        ("wagtail_localize", "submit_translation"),
        ("materials", "add_scamtype"),
        ("materials", "change_scamtype"),
        ("materials", "add_audience"),
        ("materials", "change_audience"),
    ],
    "Moderators": [("wagtail_localize", "submit_translation")],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permissions in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, codename in permissions:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permissions in GRANTS.items():
        for group in Group.objects.filter(name=group_name):
            for app_label, codename in permissions:
                group.permissions.remove(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename=codename
                    )
                )


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0002_editor_permissions"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
