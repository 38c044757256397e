from django.urls import path

from safetynet.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("forecast/", views.forecast_view, name="forecast"),
    path("vacancies/new/", views.vacancy_add, name="vacancy_add"),
    path("budget/", views.budget, name="budget"),
    path("plan/", views.plan, name="plan"),
]
