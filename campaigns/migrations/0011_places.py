"""Districts become a managed list, venues point at one; routine outreach campaigns.

The districts are made from the spellings venues and teams used ("江南" and "江南区" are
one district, named by its longest spelling, the others kept as aliases). Venue names
get the tolerant comparison key (full-width brackets, spaces, the district left off),
and two venues may now share one (a possible duplicate is confirmed in the form, and
merged by a manager). The district rows of the reach rollups are re-keyed by the new
names, their figures added together where two spellings become one district.
"""

import unicodedata

import django.db.models.deletion
from django.db import migrations, models

# Frozen copies of campaigns.models.district_key and venue_name_key as of this migration.
SUFFIXES = ("街道", "区", "县", "市", "镇")
BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
FIGURES = (
    "events", "attendance", "elders", "students", "general_public",
    "materials_distributed", "warnings", "help_requests", "videos_screened",
    "staff_count", "partner_events", "money_protected_yuan", "headcount_events",
    "sign_in_events", "estimate_events",
)  # fmt: skip


def folded(text):
    return "".join(unicodedata.normalize("NFKC", text or "").translate(BRACKETS).split()).casefold()


def district_key(name):
    key = folded(name)
    for suffix in SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key.removesuffix(suffix)
    return key


def venue_name_key(name, district_names):
    key = folded(name)
    forms = set()
    for district in district_names:
        if folded(district):
            forms |= {folded(district), district_key(district)}
    for form in sorted(forms, key=len, reverse=True):
        wrapped = f"({form})"
        if key.endswith(wrapped) and len(key) > len(wrapped) + 1:
            key = key.removesuffix(wrapped)
            break
    for form in sorted((f for f in forms if district_key(f) != f), key=len, reverse=True):
        if key.startswith(form) and len(key) > len(form) + 1:
            key = key.removeprefix(form)
            break
    return key.replace("(", "").replace(")", "") or key


def make_districts(apps, schema_editor):
    District = apps.get_model("campaigns", "District")
    Venue = apps.get_model("campaigns", "Venue")
    Team = apps.get_model("campaigns", "Team")
    DailyReach = apps.get_model("campaigns", "DailyReach")
    spellings = {}  # key → {spelling: uses}
    texts = [*Venue.objects.values_list("district", flat=True)]
    texts += Team.objects.values_list("district", flat=True)
    for text in texts:
        text = " ".join((text or "").split())
        if text:
            uses = spellings.setdefault(district_key(text), {})
            uses[text] = uses.get(text, 0) + 1
    by_key = {}
    for order, key in enumerate(sorted(spellings)):
        # The fullest spelling names it (江南区, not 江南); the others become aliases.
        uses = spellings[key]
        names = sorted(uses, key=lambda s: (district_key(s) == folded(s), -len(s), -uses[s], s))
        by_key[key] = District.objects.create(
            name=names[0][:60], aliases="，".join(names[1:])[:255], order=order
        )
    renamed = {}
    for venue in Venue.objects.all():
        text = " ".join((venue.district or "").split())
        district = by_key[district_key(text)]
        renamed[venue.district] = district.name
        venue.district_ref = district
        venue.name_key = venue_name_key(venue.name, [district.name, *spellings[district_key(text)]])
        venue.save(update_fields=["district_ref", "name_key"])
    # The rollups' district rows, re-keyed (and added up where two spellings met).
    rows = {}
    for row in DailyReach.objects.filter(dimension="district"):
        key = (renamed.get(row.key, row.key), row.day, row.campaign_id, row.team_id)
        if key in rows:
            kept = rows[key]
            for name in FIGURES:
                setattr(kept, name, getattr(kept, name) + getattr(row, name))
            row.delete()
        else:
            rows[key] = row
    for (name, *_rest), row in rows.items():
        row.key = name
        row.save()


def district_texts_back(apps, schema_editor):
    Venue = apps.get_model("campaigns", "Venue")
    for venue in Venue.objects.select_related("district_ref"):
        venue.district = venue.district_ref.name
        venue.save(update_fields=["district"])


def grant_districts(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("campaigns")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managers = Group.objects.filter(name="Campaign managers").first()
    if managers is not None:
        managers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="campaigns",
                codename__in=[f"{a}_district" for a in ("add", "change", "delete", "view")],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0010_not_counted_figures"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="District",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="name")),
                (
                    "aliases",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "Other names people write for this district, separated by "
                            "commas (“江南” for “江南区” is recognised without listing it)."
                        ),
                        max_length=255,
                        verbose_name="other spellings",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Districts no longer in use are not offered.",
                        verbose_name="in use",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "district",
                "verbose_name_plural": "districts",
                "ordering": ["order", "name"],
            },
        ),
        migrations.RemoveConstraint(model_name="venue", name="unique_venue_per_district"),
        migrations.AlterField(
            model_name="venue",
            name="name_key",
            field=models.CharField(db_index=True, editable=False, max_length=160),
        ),
        migrations.AddField(
            model_name="venue",
            name="district_ref",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="campaigns.district",
            ),
        ),
        migrations.RunPython(make_districts, district_texts_back),
        migrations.AlterModelOptions(
            name="venue",
            options={
                "ordering": ["district__order", "district__name", "name"],
                "verbose_name": "venue",
                "verbose_name_plural": "venues",
            },
        ),
        migrations.RemoveField(model_name="venue", name="district"),
        migrations.RenameField(model_name="venue", old_name="district_ref", new_name="district"),
        migrations.AlterField(
            model_name="venue",
            name="district",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="venues",
                to="campaigns.district",
                verbose_name="district",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="standing_team",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="campaigns.team",
                verbose_name="routine outreach of",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="standing_year",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.UniqueConstraint(
                fields=("standing_team", "standing_year"), name="one_routine_campaign_a_year"
            ),
        ),
        migrations.RunPython(grant_districts, migrations.RunPython.noop),
    ]
