from django.urls import path

from safetynet.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/leave/", views.leave_add, name="leave_add"),
    path("units/<int:pk>/dispatch/", views.dispatch_mode, name="dispatch_mode"),
]
