import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # agent_approvals is a large, busy table: build its new indexes without blocking writers.
    atomic = False

    dependencies = [("approvals", "0004_decisions_leases_and_queue_columns")]

    operations = [
        AddIndexConcurrently(
            model_name='agentapproval',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['agent', 'created_at'], name='approvals_pending_agent_idx'),
        ),
        AddIndexConcurrently(
            model_name='agentapproval',
            index=django.contrib.postgres.indexes.GinIndex(condition=models.Q(('status', 'pending')), fields=['tool_names'], name='approvals_pending_tools_gin'),
        ),
        AddIndexConcurrently(
            model_name='agentapproval',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['expires_at'], name='approvals_pending_expiry_idx'),
        ),
    ]
