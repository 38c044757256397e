from django.urls import path

from safetynet.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("publish/", views.publish, name="publish"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/reported/", views.reported_add, name="reported_add"),
    path("<slug:code>/target/", views.target_set, name="target_set"),
]
