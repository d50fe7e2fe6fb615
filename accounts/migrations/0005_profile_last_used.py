from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_role_request_archived"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ostatnio używany"),
        ),
    ]
