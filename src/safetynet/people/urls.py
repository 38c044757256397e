from django.urls import path

from safetynet.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/relations/", views.relation_add, name="relation_add"),
    path("<int:pk>/relations/new/", views.relation_new, name="relation_new"),
    path("<int:pk>/relations/search/", views.relation_candidates, name="relation_candidates"),
    path("<int:pk>/household/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/members/new/", views.member_new, name="member_new"),
    path("households/<int:pk>/members/search/", views.member_candidates, name="member_candidates"),
    path("households/<int:pk>/members/<int:member_pk>/leave/", views.member_leave, name="member_leave"),
]
