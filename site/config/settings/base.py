"""Settings shared by every environment. Secrets come from the environment only."""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

SITE_DIR = Path(__file__).resolve().parent.parent.parent  # site/
BASE_DIR = SITE_DIR.parent  # project root


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


INSTALLED_APPS = [
    "core",
    "materials",
    "campaigns",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    # Promoted results for the public search (issue 15; materials.search reads them).
    "wagtail.contrib.search_promotions",
    # Translation with the source beside it, synced when the source changes (issue 12).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PublicGZipMiddleware",
    # Before sessions, auth and Wagtail: a cached page is served without touching them.
    "core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.care_mode",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the embedded default; production sets DATABASE_URL (postgres://…).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60)),
        # A connection the database dropped (restart, failover) is replaced on the next
        # request instead of failing it.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair for 15 minutes.
# Keyed on both, so colleagues behind one office address do not lock each other out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
# Reverse proxies in front of the site (each appends to X-Forwarded-For); the client's
# address is read by core.clients, for lockouts and the per-client limits alike.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: Simplified Chinese first, English second -------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [SITE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # zh-hans numbers with thousands separators
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded media is served by Django only where nothing else does it (demo, benchmarks);
# production puts a web server or object storage in front (docs/operations.md).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Evidence photos of outreach events: never under MEDIA_ROOT, served only through a view
# that checks the user's team (campaigns.views.evidence_photo).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

# Uploads live on local disk unless a bucket is named: then on S3 or any S3-compatible
# object store (MinIO, Ceph, Alibaba OSS, Tencent COS), through django-storages (extra
# "s3"). Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
# Evidence photos go to the same bucket under private/, never public, still served only
# through the permission-checking view.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "campaigns.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set but django-storages is not installed: "
            "pip install -e '.[s3]'"
        )
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": "media",
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,  # CDN for media
            "querystring_auth": False,  # public material: plain, cacheable URLs
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    STORAGES["private"] = {
        "BACKEND": "campaigns.storage.PrivateS3Storage",
        "OPTIONS": {**_s3, "location": "private", "default_acl": "private"},
    }
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Cache and tasks -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis behind a circuit breaker (core/cache_backend.py): an unreachable
            # or hung Redis costs one short timeout, then the cache is skipped (every call a
            # miss) for CACHE_CIRCUIT_OPEN_SECONDS and pages come from the database.
            "BACKEND": "core.cache_backend.CircuitBreakerRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", 0.3)),
                "SOCKET_TIMEOUT": float(os.environ.get("REDIS_SOCKET_TIMEOUT", 0.5)),
                "CIRCUIT_OPEN_SECONDS": float(os.environ.get("CACHE_CIRCUIT_OPEN_SECONDS", 15)),
            },
        }
    }
else:
    # One process (runserver, the demo). Production without Redis uses the database cache
    # instead (production.py): the page cache's epoch must be shared by every worker.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous visitors' public pages are cached whole for this many seconds (0: off), one
# copy per URL (the language is in the path) and per elder-mode setting; publishing
# anything invalidates them all (core/page_cache.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 600))
# How often each process compares the cache epoch with the database's (core/cache_epoch.py):
# the longest a worker that missed a Redis outage can serve pages older than a publish.
CACHE_EPOCH_CHECK_SECONDS = float(os.environ.get("CACHE_EPOCH_CHECK_SECONDS", 10))

# A CDN or caching proxy in front (docs/scaling.md) is told to drop a page, its parents
# (lists that show it) and the sitemap when it is published or unpublished
# (core.signals). One of:
#   FRONTEND_CACHE_PURGE_URL      Varnish, nginx or Squid accepting PURGE, e.g. http://varnish:80
#   FRONTEND_CACHE_CLOUDFLARE_TOKEN + FRONTEND_CACHE_CLOUDFLARE_ZONEID
#   FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID   (needs boto3 and AWS credentials)
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
if os.environ.get("FRONTEND_CACHE_CLOUDFLARE_TOKEN"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ["FRONTEND_CACHE_CLOUDFLARE_TOKEN"],
        "ZONEID": os.environ.get("FRONTEND_CACHE_CLOUDFLARE_ZONEID", ""),
    }
if os.environ.get("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"],
    }

# Without REDIS_URL, Celery tasks run inline in the calling process (the demo).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Three queues, so a long import never holds up renditions or Wagtail's own tasks:
#   imports  spreadsheet imports (long, few)
#   media    poster renditions (CPU-heavy)
#   default  everything else: Wagtail's background tasks, emails, scheduled publishing
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "campaigns.tasks.run_import_job": {"queue": "imports"},
    # Alert e-mails are not media work: they go with the other e-mails (an exact name
    # wins over the pattern below).
    "materials.tasks.send_alert_to_subscribers": {"queue": "default"},
    "materials.tasks.purge_stale_alert_subscribers": {"queue": "default"},
    "materials.tasks.*": {"queue": "media"},
}
# Tasks are acknowledged after they finish, so a worker that dies mid-task hands it to
# another; they are written to be safe to run twice. The visibility timeout must exceed the
# longest task (and any countdown), or Redis hands a running task out a second time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60)),
    # A paused Redis accepts connections and never answers: without these a send waits
    # forever, holding the editor's request (above BRPOP's 1 s, which workers wait in).
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# With the broker down, sending gives up after about a second (the caller records that
# the work is waiting) instead of holding a web request for long.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Wagtail's own background work (reference index, frontend-cache purges, file clean-up)
# goes through django-tasks; with a broker it runs on the same Celery workers.
TASKS = {
    "default": {
        "BACKEND": "core.task_backend.CeleryTaskBackend"
        if REDIS_URL
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "core.tasks.publish_scheduled_pages",
        "schedule": 5 * 60,
    },
    "resend-unsent-imports": {
        "task": "campaigns.tasks.resend_unsent_imports",
        "schedule": 5 * 60,
    },
    "discard-unconfirmed-import-previews": {
        "task": "campaigns.imports.tasks.discard_unconfirmed_previews",
        "schedule": 60 * 60,
    },
    "purge-stale-alert-subscribers": {
        "task": "materials.tasks.purge_stale_alert_subscribers",
        "schedule": crontab(hour=4, minute=10),
    },
    "check-reach-rollups": {
        "task": "campaigns.tasks.check_reach_rollups",
        "schedule": crontab(hour=3, minute=30),
    },
    "prune-screen-play-receipts": {
        "task": "campaigns.tasks.prune_screen_play_receipts",
        "schedule": crontab(hour=3, minute=50),
    },
    "weekly-team-summaries": {
        "task": "campaigns.tasks.send_weekly_summaries",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    "follow-up-reminders": {
        "task": "campaigns.tasks.send_follow_up_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
}
# How reminders reach people (campaigns.notify): a class with send(user, subject, body).
FANGZHA_NOTIFY_CHANNEL = os.environ.get("FANGZHA_NOTIFY_CHANNEL", "campaigns.notify.EmailChannel")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@fangzha.example")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the browser tests
# read the demo server's mails from this folder).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or None

# --- Wagtail ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "防诈 Fangzha"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "core.SiteImage"
WAGTAILDOCS_DOCUMENT_MODEL = "core.SiteDocument"
# Uploads: only the formats the site publishes, each bounded.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 15 * 1024 * 1024  # print-quality posters
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 60_000_000  # refuses decompression bombs
WAGTAILDOCS_EXTENSIONS = ["pdf", "mp4", "webm", "vtt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024  # lobby-screen videos
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.forms.SiteDocumentForm"  # per-type limits
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.forms.SiteImageForm"  # bombs refused, GPS stripped
# Videos and captions must be fetchable by <video>/<track> with Range requests.
WAGTAILDOCS_SERVE_METHOD = "direct"
# Wagtail's database backend, tokenising Chinese as the public search does (core.search_backend).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "core.search_backend"}}
# Slugs stay ASCII: the admin's script drops what it cannot transliterate and the page
# fills in the pinyin of a Chinese title (core.slugs); Chinese slugs percent-encode.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Avatars from Gravatar fail in mainland China (and tell it who signs in): Wagtail's own.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Second factor (core/second_factor.py): superusers, team leads and managers see campaign
# figures. Required in production; off in the local demo unless SECOND_FACTOR_REQUIRED=1.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", False)
SECOND_FACTOR_GROUPS = ["Team leads", "Campaign managers"]
OTP_TOTP_ISSUER = "防诈 Fangzha"
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
        },
    }
}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail logs every background task and publish at INFO; keep the console readable.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
