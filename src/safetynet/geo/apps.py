from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "safetynet.geo"
    verbose_name = "地理"
