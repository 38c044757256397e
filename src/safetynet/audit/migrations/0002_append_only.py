from django.db import migrations

from safetynet.audit import guards
from safetynet.domain.auditchain import GENESIS


def start_chain(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    guards.install(schema_editor)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    guards.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(start_chain, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
    ]
