from django.db import migrations


def load(apps, schema_editor):
    from safetynet.referrals import reference

    reference.load_categories(apps.get_model("referrals", "ServiceCategory"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
