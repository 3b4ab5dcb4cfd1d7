"""The evaluation form most assistance programmes use, as a starting point that
administrators can change in the admin."""

from django.db import migrations

DEFAULT_CRITERIA = [
    ("医德医风", 2),
    ("工作纪律", 1),
    ("临床能力", 3),
    ("学习/带教成效", 3),
    ("团队协作", 1),
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    Criterion = apps.get_model("postings", "EvaluationCriterion")
    for order, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1):
        Criterion.objects.get_or_create(name=name, defaults={"weight": weight, "order": order})


class Migration(migrations.Migration):
    dependencies = [("postings", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
