"""Work handed to Celery: routing, Wagtail's own background tasks, poster renditions,
rollup checks. Tasks run inline here; tests/workers runs them on a real worker."""

import pytest
from django.conf import settings
from wagtail.models import ReferenceIndex

from config.celery import app as celery_app
from materials.models import POSTER_RENDITION_SPECS
from tests import factories


def test_long_and_heavy_work_has_its_own_queue():
    router = celery_app.amqp.router
    route = lambda name: router.route({}, name)["queue"].name  # noqa: E731
    assert route("campaigns.tasks.run_import_job") == "imports"
    assert route("materials.tasks.generate_poster_renditions") == "media"
    assert route("core.tasks.run_django_task") == "default"
    assert route("campaigns.tasks.send_weekly_summary") == "default"
    # A task redelivered after a crash must not be handed out again while it runs.
    longest = max(
        settings.CELERY_TASK_TIME_LIMIT,
        celery_app.tasks["campaigns.tasks.run_import_job"].time_limit,
    )
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest


def test_publishing_a_poster_makes_its_print_sizes_in_the_background(
    site_tree, django_capture_on_commit_callbacks
):
    poster = factories.PosterPageFactory(parent=site_tree["library"])
    image = poster.image
    assert not image.renditions.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        poster.save_revision().publish()
    assert not image.renditions.exists()  # publishing itself did not wait for them
    for callback in callbacks:
        callback()
    specs = set(image.renditions.values_list("filter_spec", flat=True))
    assert set(POSTER_RENDITION_SPECS) <= specs
    assert {"max-800x1132", "max-480x320"} <= specs  # page image and letterboxed card


@pytest.mark.reference_index
def test_wagtail_background_tasks_go_to_celery_after_the_save_commits(
    site_tree, settings, django_capture_on_commit_callbacks
):
    import django_tasks.signals  # noqa: F401  (resets the backends when TASKS changes)

    settings.TASKS = {"default": {"BACKEND": "core.task_backend.CeleryTaskBackend"}}
    poster = factories.PosterPageFactory(parent=site_tree["library"])  # refers to its image
    ReferenceIndex.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        poster.title = "新标题"
        poster.save()
    assert not ReferenceIndex.objects.exists()  # nothing ran before the commit
    for callback in callbacks:
        callback()  # sends the Celery task (which runs inline here)
    assert ReferenceIndex.objects.exists()
