"""Create the two groups the portal's roles rest on, with the permissions each role needs.

Community managers edit every page, image and document and run the programme; Leaders read
reports. Later apps grant these groups their own models' permissions in their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMUNITY_MANAGERS = "Community managers"
LEADERS = "Leaders"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("portal", "wagtailcore", "wagtailimages", "wagtaildocs"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    managers, _ = Group.objects.get_or_create(name=COMMUNITY_MANAGERS)
    managers.permissions.add(
        perm("wagtailadmin", "access_admin"),
        perm("portal", "run_programme"),
        perm("portal", "view_reports"),
    )
    root_page = Page.objects.get(depth=1)
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=managers, page=root_page, permission=perm("wagtailcore", codename)
        )
    root_collection = Collection.objects.get(depth=1)
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=managers, collection=root_collection, permission=perm(app_label, codename)
            )

    leaders, _ = Group.objects.get_or_create(name=LEADERS)
    leaders.permissions.add(perm("portal", "view_reports"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=[COMMUNITY_MANAGERS, LEADERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_home_page"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
