"""Curators made before the admin let them in become staff, as new curators are."""

from typing import Any

from django.db import migrations


def curators_are_staff(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("auth", "User")
    User.objects.filter(person__role="curator").update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(curators_are_staff, migrations.RunPython.noop)]
