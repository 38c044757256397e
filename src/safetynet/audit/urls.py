from django.urls import path

from safetynet.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("break-glass/", views.grants, name="grants"),
    path("break-glass/new/", views.grant_new, name="grant_new"),
    path("break-glass/<int:pk>/review/", views.grant_review, name="grant_review"),
]
