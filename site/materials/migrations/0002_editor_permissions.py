"""Give Wagtail's default Editors and Moderators groups access to materials' snippets."""

from django.db import migrations

GRANTS = {
    "Editors": ["view_feedback", "view_scamtype", "view_audience"],
    "Moderators": [
        "view_feedback", "delete_feedback",
        "view_scamtype", "add_scamtype", "change_scamtype",
        "view_audience", "add_audience", "change_audience",
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; make them exist now.
    app_config = apps.get_app_config("materials")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.add(*Permission.objects.filter(
                content_type__app_label="materials", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
