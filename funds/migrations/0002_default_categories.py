"""Give every existing district the default spending categories (new ones get them on save)."""

from django.db import migrations

DEFAULT_CATEGORIES = [
    ("utilities", "水电暖气", True),
    ("phone", "电话", True),
    ("internet", "网络", True),
    ("consumables", "办公耗材", True),
    ("signboards", "挂牌与展板", True),
    ("meetings", "会议与活动", False),
    ("resident_services", "居民服务", False),
    ("repairs", "维修", False),
    ("training", "培训", False),
    ("other", "其他", False),
]


def add_defaults(apps, schema_editor):
    District = apps.get_model("committee", "District")
    Category = apps.get_model("funds", "Category")
    for district in District.objects.all():
        have = set(Category.objects.filter(district=district).values_list("code", flat=True))
        Category.objects.bulk_create(
            [
                Category(district=district, code=code, name=name, essential=essential, order=i)
                for i, (code, name, essential) in enumerate(DEFAULT_CATEGORIES, start=1)
                if code not in have
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
