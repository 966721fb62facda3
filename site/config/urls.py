from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from campaigns import player_views
from campaigns import views as campaign_views
from config.api import api
from core import second_factor
from core import views as core_views
from core.sitemaps import AllLocalesSitemap
from materials import views as material_views

urlpatterns = [
    path("admin/2fa/", include(second_factor)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": AllLocalesSitemap}}, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^care-mode/(?P<state>on|off)/$", core_views.care_mode, name="care_mode"),
    path("feedback/<int:page_id>/", material_views.feedback, name="feedback"),
    re_path(
        r"^r/(?P<code>[A-Za-z0-9]{1,16})/$", campaign_views.follow_tracked_link, name="tracked_link"
    ),
    re_path(
        r"^screen/(?P<token>[^/]{1,400})/$",
        campaign_views.display_screen,
        name="campaigns_display_screen",
    ),
    path("player/sw.js", player_views.player_service_worker, name="campaigns_player_sw"),
    re_path(
        r"^player/(?P<token>[A-Za-z0-9_-]{1,100})/$",
        player_views.player_page,
        name="campaigns_player",
    ),
    re_path(
        r"^player/(?P<token>[A-Za-z0-9_-]{1,100})/manifest\.json$",
        player_views.player_manifest,
        name="campaigns_player_manifest",
    ),
    re_path(
        r"^player/(?P<token>[A-Za-z0-9_-]{1,100})/plays/$",
        player_views.player_plays,
        name="campaigns_player_plays",
    ),
    re_path(r"^qr/(?P<page_id>\d+)\.(?P<fmt>png|svg)$", material_views.qr_code, name="qr_code"),
    path(
        "poster/<int:page_id>/download/<str:size>/",
        material_views.poster_download,
        name="poster_download",
    ),
    path("share/<int:page_id>.png", material_views.share_card_image, name="share_card"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
if settings.SERVE_MEDIA:
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# The 404 page links the page an address names in another language (core.views).
handler404 = core_views.page_not_found

urlpatterns += i18n_patterns(
    path("search/", material_views.search, name="search"),
    path("subscribe/", material_views.subscribe, name="alert_subscribe"),
    path(
        "subscribe/confirm/<str:token>/",
        material_views.subscribe_confirm,
        name="alert_subscribe_confirm",
    ),
    path(
        "subscribe/unsubscribe/<str:token>/",
        material_views.unsubscribe,
        name="alert_unsubscribe",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
