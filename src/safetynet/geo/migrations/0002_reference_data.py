from django.db import migrations


def load(apps, schema_editor):
    from safetynet.geo import reference

    reference.load(apps.get_model("geo", "County"), apps.get_model("geo", "Town"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
