"""The site's URLs plus a view that keeps a query running, so the database can fail under it."""

import os

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def sleep_in_database(request):
    """Hold this thread's connection in `pg_sleep` and say which worker and backend served."""
    seconds = min(float(request.GET.get("seconds", "3")), 60.0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_sleep(%s)", [seconds])
        backend_pid = cursor.fetchone()[0]
    return JsonResponse({"worker_pid": os.getpid(), "backend_pid": backend_pid})


urlpatterns = [
    path("faults/sleep/", sleep_in_database, name="fault_sleep"),
    *site_urlpatterns,
]
