"""The site's URLs plus views that publish and unpublish a page inside the server, so that
the cache invalidation runs in the process whose Redis is paused or dead."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page

from config.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def publish(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    page.save_revision().publish()
    return JsonResponse({"live": True})


@csrf_exempt
def unpublish(request, page_id):
    get_object_or_404(Page, pk=page_id).specific.unpublish()
    return JsonResponse({"live": False})


urlpatterns = [
    path("faults/publish/<int:page_id>/", publish),
    path("faults/unpublish/<int:page_id>/", unpublish),
    *site_urlpatterns,
]
