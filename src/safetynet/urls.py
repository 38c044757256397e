from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from safetynet.api import api
from safetynet.core import account_views
from safetynet.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("notifications/read/", core_views.notifications_read, name="notifications_read"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/two-factor/", account_views.verify, name="two_factor"),
    path("login/two-factor/setup/", account_views.setup, name="two_factor_setup"),
    path("account/backup-codes/", account_views.backup_codes, name="backup_codes"),
    path("i18n/", include("django.conf.urls.i18n")),
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
