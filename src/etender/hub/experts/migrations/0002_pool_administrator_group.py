"""The group "expert pool administrator" with the permission experts.manage_pool (identity and contact data)."""

from django.db import migrations


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    ct, _ = ContentType.objects.get_or_create(app_label="experts", model="expert")
    perm, _ = Permission.objects.get_or_create(content_type=ct, codename="manage_pool", defaults={"name": "expert pool administrator (sees identity and contact data)"})
    group, _ = Group.objects.get_or_create(name="expert pool administrator")
    group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
