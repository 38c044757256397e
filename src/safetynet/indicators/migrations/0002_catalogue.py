from django.db import migrations


def load(apps, schema_editor):
    from safetynet.indicators import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
