from django.urls import path

from safetynet.intake import rule_views, views

app_name = "intake"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("new/", views.new_report, name="new"),
    path("candidates/", views.candidates, name="candidates"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/screen/", views.screen, name="screen"),
    path("rules/", rule_views.rule_list, name="rules"),
    path("rules/<str:version>/", rule_views.rule_detail, name="rule"),
    path("rules/<str:version>/draft/", rule_views.rule_draft, name="rule_draft"),
    path("rules/<str:version>/publish/", rule_views.rule_publish, name="rule_publish"),
    path("rules/<str:version>/whatif/", rule_views.rule_whatif, name="rule_whatif"),
]
