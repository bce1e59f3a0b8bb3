import pytest

from hotdash.db_context import Role, acting_as
from metrics.models import ObservabilityLog
from metrics.tasks import observability_log_create_task


@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_a_real_worker(celery_worker):
    # given a worker process that reads the test database
    # when a task is sent through Redis and its result awaited
    log_id = observability_log_create_task.delay("WARN", "queue depth above 50", "req-42", {"depth": 51}).get(
        timeout=30
    )

    # then the worker wrote the row (as the service role) and answered with its id
    with acting_as(Role.MONITORING):
        log = ObservabilityLog.objects.get(pk=log_id)
    assert (log.level, log.message, log.request_id, log.metadata) == ("WARN", "queue depth above 50", "req-42", {"depth": 51})


@pytest.mark.django_db(transaction=True)
def test_a_task_that_fails_reports_the_error_and_writes_nothing(celery_worker):
    result = observability_log_create_task.delay("LOUD", "not a level")

    with pytest.raises(ValueError, match="level must be one of"):
        result.get(timeout=30)
    with acting_as(Role.MONITORING):
        assert ObservabilityLog.objects.count() == 0
