from django.urls import path

from safetynet.cases import views

app_name = "cases"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("clocks/", views.clock_board, name="clocks"),
    path("clocks/<int:pk>/met/", views.clock_met, name="clock_met"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
]
