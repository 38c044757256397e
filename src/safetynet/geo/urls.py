from django.urls import path

from safetynet.geo import views

app_name = "geo"
urlpatterns = [
    path("map/", views.county_map, name="map"),
    path("map.svg", views.county_map_svg, name="map_svg"),
    path("towns.geojson", views.county_geojson, name="geojson"),
]
