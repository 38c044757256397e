from django.urls import path

from safetynet.geo import views

app_name = "geo"
urlpatterns = [
    path("map/", views.county_map, name="map"),
    path("towns.geojson", views.county_geojson, name="geojson"),
]
