from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from safetynet import home
from safetynet.api import api
from safetynet.core import account_views
from safetynet.core import views as core_views

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("notifications/read/", core_views.notifications_read, name="notifications_read"),
    # Django's class-based views answer OPTIONS themselves: narrowed like every other page.
    path(
        "login/",
        require_http_methods(["GET", "HEAD", "POST"])(
            auth_views.LoginView.as_view(template_name="core/login.html")
        ),
        name="login",
    ),
    path("logout/", require_POST(auth_views.LogoutView.as_view()), name="logout"),
    path("login/two-factor/", account_views.verify, name="two_factor"),
    path("login/two-factor/setup/", account_views.setup, name="two_factor_setup"),
    path("account/backup-codes/", account_views.backup_codes, name="backup_codes"),
    path("account/second-steps/", account_views.second_steps, name="second_steps"),
    path("account/second-steps/<int:pk>/reset/", account_views.second_step_reset, name="second_step_reset"),
    path("i18n/setlang/", require_POST(set_language), name="set_language"),
    path("intake/", include("safetynet.intake.urls")),
    path("cases/", include("safetynet.cases.urls")),
    path("referrals/", include("safetynet.referrals.urls")),
    path("people/", include("safetynet.people.urls")),
    path("org/", include("safetynet.org.urls")),
    path("workforce/", include("safetynet.workforce.urls")),
    path("indicators/", include("safetynet.indicators.urls")),
    path("reports/", include("safetynet.reporting.urls")),
    path("geo/", include("safetynet.geo.urls")),
    path("audit/", include("safetynet.audit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
