from pathlib import Path

from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    """Log lines carry their tenant (project, scope) and the caller's own request id; tenants read their own lines."""

    dependencies = [
        ('metrics', '0007_empty_settings_match_nothing'),
    ]

    operations = [
        migrations.AddField(
            model_name='observabilitylog',
            name='client_request_id',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='observabilitylog',
            name='project',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='observabilitylog',
            name='scope',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='observabilitylog',
            index=models.Index(condition=models.Q(('project__isnull', False)), fields=['project', '-created_at'], name='obs_logs_project_created_idx'),
        ),
        migrations.AddIndex(
            model_name='observabilitylog',
            index=models.Index(condition=models.Q(('scope__isnull', False)), fields=['scope', '-created_at'], name='obs_logs_scope_created_idx'),
        ),
        migrations.AddConstraint(
            model_name='observabilitylog',
            constraint=models.CheckConstraint(condition=models.Q(('project', ''), _negated=True), name='observability_logs_project_not_blank'),
        ),
        migrations.AddConstraint(
            model_name='observabilitylog',
            constraint=models.CheckConstraint(condition=models.Q(('scope', ''), _negated=True), name='observability_logs_scope_not_blank'),
        ),
        migrations.RunSQL(
            sql=(SQL / "0008_log_tenant_policy.sql").read_text(),
            reverse_sql=(SQL / "0008_log_tenant_policy.reverse.sql").read_text(),
        ),
    ]
