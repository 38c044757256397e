from django.db import migrations


def load(apps, schema_editor):
    from safetynet.org import reference

    reference.load_roles(apps.get_model("org", "Role"), apps.get_model("auth", "Group"))


class Migration(migrations.Migration):
    dependencies = [("org", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
