from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0010_empty_settings_match_nothing'),
    ]

    operations = [
        migrations.AddField(
            model_name='approvaldecision',
            name='client_request_id',
            field=models.TextField(blank=True, null=True),
        ),
    ]
