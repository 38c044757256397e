from django.urls import path

from safetynet.referrals import network_views, views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("cases/<int:pk>/new/", views.referral_new, name="new"),
    path("service-options/", views.service_options, name="service_options"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/link/", views.link, name="link"),
    # The partner's portal, and the single-use link for partners without accounts.
    path("partner/", views.partner_list, name="partner"),
    path("partner/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partner/<int:pk>/move/", views.partner_move, name="partner_move"),
    path("answer/<str:token>/", views.answer, name="answer"),
    # The partner network: directory and statistics.
    path("directory/", network_views.directory, name="directory"),
    path("directory/<int:pk>/", network_views.organization, name="organization"),
    path("stats/", network_views.stats, name="stats"),
]
