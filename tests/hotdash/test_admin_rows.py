"""The fast change-list rows (hotdash/admin_rows.py) are Django's own rows, character for character."""

import pytest
from django.contrib.admin.templatetags import admin_list

from hotdash import admin_rows
from hotdash.db_context import Role, acting_as
from tests.approvals.test_admin import QUEUE_URL, login, queued

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [{}, {"status": "all"}, {"status": "approved", "agent": "support-agent"}, {"o": "-1"}])
def test_the_queue_s_rows_are_django_s_rows(client, django_user_model, params):
    operator = login(client, django_user_model, "olga", "Operators")
    from approvals.services import approval_decide

    pending = [queued(f"call_{i}", minutes_old=i * 4) for i in range(4)]
    with acting_as(Role.OPERATOR):
        approval_decide(approval_id=pending[0].pk, outcome="approved", decided_by="olga")
        approval_decide(approval_id=pending[1].pk, outcome="rejected", decided_by="olga", reason="<b>no</b> & never")

    page = operator.get(QUEUE_URL, params)
    cl = page.context["cl"]

    ours = [list(row) for row in admin_rows.results(cl)]
    django_s = [list(row) for row in admin_list.results(cl)]
    assert ours and ours == django_s
    html = page.content.decode()
    assert all(cell in html for row in ours for cell in row)
