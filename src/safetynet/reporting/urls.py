from django.urls import path

from safetynet.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.page, name="page"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/download/", views.download, name="download"),
]
