"""The three campaign roles as groups, with the model permissions the admin needs.

Object-level rules (which team's events) live in campaigns/permissions.py.
"""

from django.db import migrations

ROLES = {
    "Campaign coordinators": [
        "add_outreachevent", "change_outreachevent", "view_outreachevent",
        "delete_outreachevent", "view_venue", "add_venue", "view_campaign", "view_team",
    ],
    "Team leads": [
        "add_outreachevent", "change_outreachevent", "view_outreachevent",
        "delete_outreachevent", "view_venue", "add_venue", "change_venue", "view_campaign",
        "view_team",
    ],
    "Campaign managers": [
        f"{action}_{model}"
        for model in ("outreachevent", "venue", "campaign", "team", "trackedlink")
        for action in ("add", "change", "delete", "view")
    ],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("campaigns")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access, *Permission.objects.filter(
            content_type__app_label="campaigns", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
