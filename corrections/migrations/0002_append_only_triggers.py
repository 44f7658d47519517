"""Make the event log append-only in the database itself: UPDATE and DELETE are refused."""

from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from corrections import store

    store.install_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    from corrections import store

    store.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("corrections", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
