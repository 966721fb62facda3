"""Filing numbers in the site settings, and the site managers' group that edits them.

站点管理员 (site managers) may open the admin and change the site settings (hotline,
emergency number, organisation, filing numbers), nothing else; before, only superusers
could.
"""

from django.db import migrations, models

SITE_MANAGERS = "站点管理员"
PERMISSIONS = ["change_sitesettings", "view_sitesettings"]


def create_site_managers(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SITE_MANAGERS)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="core", codename__in=PERMISSIONS),
    )


def remove_site_managers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SITE_MANAGERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_cache_epoch"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="icp_filing",
            field=models.CharField(
                blank=True,
                help_text=(
                    "In the footer, linked to the MIIT filing system, e.g. 浙ICP备12345678号-1."
                ),
                max_length=64,
                verbose_name="ICP filing number",
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="police_filing",
            field=models.CharField(
                blank=True,
                help_text="Shown in the footer, e.g. 浙公网安备33010802012345号.",
                max_length=64,
                verbose_name="public security filing number",
            ),
        ),
        migrations.RunPython(create_site_managers, remove_site_managers),
    ]
