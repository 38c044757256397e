from django.db import migrations


def load(apps, schema_editor):
    from safetynet.cases import reference

    reference.load_follow_up_rules(apps.get_model("cases", "FollowUpRule"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_management")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
