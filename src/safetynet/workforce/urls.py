from django.urls import path

from safetynet.workforce import views

app_name = "workforce"
urlpatterns = [path("", views.overview, name="overview")]
