from django.urls import path

from safetynet.intake import views

app_name = "intake"
urlpatterns = [path("queue/", views.queue, name="queue")]
