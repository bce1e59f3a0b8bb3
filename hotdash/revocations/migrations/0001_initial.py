from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="TokenRevocation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("subject", models.CharField(max_length=300, unique=True)),
                ("revoked_before", models.DateTimeField()),
                ("revoked_by", models.CharField(max_length=150)),
            ],
            options={"verbose_name": "API token revocation"},
        ),
    ]
