
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0003_row_level_security'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApprovalDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.TextField(choices=[('approved', 'Approved'), ('rejected', 'Rejected'), ('expired', 'Expired')])),
                ('decided_by', models.TextField()),
                ('reason', models.TextField(blank=True, null=True)),
                ('via', models.TextField(choices=[('admin', 'Operator workbench'), ('bulk', 'Bulk action'), ('api', 'API'), ('expiry', 'Expiry job')])),
                ('request_id', models.TextField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                'db_table': 'approval_decisions',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='ApprovalLease',
            fields=[
                ('approval', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='lease', serialize=False, to='approvals.agentapproval')),
                ('holder', models.TextField()),
                ('expires_at', models.DateTimeField()),
            ],
            options={
                'db_table': 'approval_leases',
            },
        ),
        migrations.AddField(
            model_name='agentapproval',
            name='agent',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='agentapproval',
            name='schema_version',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='agentapproval',
            name='tool_names',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), blank=True, editable=False, null=True, size=None),
        ),
        migrations.AddField(
            model_name='approvaldecision',
            name='approval',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='decision', to='approvals.agentapproval'),
        ),
        migrations.AddIndex(
            model_name='approvaldecision',
            index=models.Index(fields=['decided_by', '-created_at'], name='approval_decisions_by_idx'),
        ),
        migrations.AddConstraint(
            model_name='approvaldecision',
            constraint=models.CheckConstraint(condition=models.Q(('outcome__in', ['approved', 'rejected', 'expired'])), name='approval_decisions_outcome_check'),
        ),
        migrations.AddConstraint(
            model_name='approvaldecision',
            constraint=models.CheckConstraint(condition=models.Q(('via__in', ['admin', 'bulk', 'api', 'expiry'])), name='approval_decisions_via_check'),
        ),
    ]
