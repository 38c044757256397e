from django.db import migrations


def load(apps, schema_editor):
    from safetynet.intake import reference

    reference.load_route_services(apps.get_model("intake", "RouteService"))


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_routeservice_screening_dispatch")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
