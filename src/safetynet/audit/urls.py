from django.urls import path

from safetynet.audit import alert_views, views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("break-glass/", views.grants, name="grants"),
    path("break-glass/new/", views.grant_new, name="grant_new"),
    path("break-glass/<int:pk>/review/", views.grant_review, name="grant_review"),
    path("break-glass/<int:pk>/approve/", views.grant_approve, name="grant_approve"),
    path("alerts/", alert_views.alerts, name="alerts"),
    path("alerts/rules/", alert_views.alert_rules, name="alert_rules"),
    path("alerts/rules/<int:pk>/", alert_views.alert_rule_edit, name="alert_rule_edit"),
    path("alerts/<int:pk>/", alert_views.alert_detail, name="alert"),
    path("alerts/<int:pk>/review/", alert_views.alert_review, name="alert_review"),
    path("persons/<int:pk>/", alert_views.person_reads, name="person_reads"),
]
