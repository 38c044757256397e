from django.db import migrations


def load(apps, schema_editor):
    from safetynet.workforce import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0002_plan"), ("org", "0003_default_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
