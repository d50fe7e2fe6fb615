"""The EKS card keeps its referral's voivodeship (the office's list reads it from an index)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_voivodeships(apps, schema_editor):
    EKS = apps.get_model("registry", "EKS")
    Referral = apps.get_model("referrals", "Referral")
    EKS.objects.update(
        voivodeship_id=models.Subquery(
            Referral.objects.filter(pk=models.OuterRef("referral_id")).values("voivodeship_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0003_programme_modules_and_elements"),
        ("referrals", "0005_referral_planned_end_reason"),
        ("registry", "0004_eks_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="eks",
            name="voivodeship",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.voivodeship",
                verbose_name="województwo",
            ),
        ),
        migrations.RunPython(copy_voivodeships, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="eks",
            name="voivodeship",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.voivodeship",
                verbose_name="województwo",
            ),
        ),
        migrations.AddIndex(
            model_name="eks",
            index=models.Index(
                fields=["voivodeship", "last_name", "first_name", "id"], name="eks_list"
            ),
        ),
        migrations.AddIndex(
            model_name="eks",
            index=models.Index(
                fields=["voivodeship", "status", "last_name", "first_name", "id"],
                name="eks_list_status",
            ),
        ),
    ]
