"""The console's admin site and the base class of every model admin in it.

Django's group permissions decide what the admin offers; the database role decides what it may do. The
base class asks PostgreSQL what the request's role holds on the model's table, so a page never offers
what the database would refuse (a superuser acts as the supervisor role, which reads no facts, for one).
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext

from hotdash import inputs
from hotdash.errors import Conflict, ServiceError

admin.site.site_header = "HotDash Console"
admin.site.site_title = "HotDash Console"
admin.site.index_title = "Queues, annotations and agent data"

# What the request's role may do on every table the admin site shows, in one statement: the sidebar and the
# dashboard ask about each of them on every page (one query per table was 15 of a queue page's 29 queries).
_PRIVILEGE_SQL = (
    "SELECT t.name, c.oid IS NOT NULL AND has_table_privilege(current_user, c.oid, 'SELECT'),"
    " c.oid IS NOT NULL AND has_table_privilege(current_user, c.oid, 'INSERT'),"
    " c.oid IS NOT NULL AND has_any_column_privilege(current_user, c.oid, 'UPDATE'),"
    " c.oid IS NOT NULL AND has_table_privilege(current_user, c.oid, 'DELETE')"
    " FROM unnest(%s::text[]) AS t(name) LEFT JOIN pg_class c ON c.oid = to_regclass(t.name)"
)
_NOTHING = dict.fromkeys(("view", "add", "change", "delete"), False)


def _admin_tables() -> set[str]:
    return {model._meta.db_table for model in admin.site._registry}


def table_privileges(request, table: str) -> dict[str, bool]:
    """What the request's database role may do on `table`, read once per request for all the admin's tables."""
    cache = request.__dict__.setdefault("_table_privileges", {})
    if table not in cache:
        if getattr(request, "db_context", None) is None:
            cache[table] = _NOTHING
        else:
            wanted = sorted((_admin_tables() | {table}) - cache.keys())
            with connection.cursor() as cursor:
                cursor.execute(_PRIVILEGE_SQL, [wanted])
                for name, *allowed in cursor.fetchall():
                    cache[name] = dict(zip(("view", "add", "change", "delete"), allowed, strict=True))
    return cache[table]


class ConsoleModelAdmin(admin.ModelAdmin):
    """A model admin that offers only what both the user's groups and their database role allow.

    Its forms bound text (hotdash/inputs.py): an oversized note or label is a message on the page, not a
    PostgreSQL error (Django's form fields already refuse NUL).
    """

    formfield_overrides = {models.TextField: {"max_length": inputs.MAX_TEXT_LENGTH}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ArrayField) and isinstance(db_field.base_field, models.TextField):
            kwargs.setdefault("base_field", forms.CharField(max_length=inputs.MAX_LABEL_LENGTH))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _allowed(self, request, action: str) -> bool:
        return table_privileges(request, self.model._meta.db_table)[action]

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._allowed(request, "view")

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and self._allowed(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._allowed(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._allowed(request, "delete")

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) and self._allowed(request, "view")

    def action_checkbox(self, obj):
        # Same markup as Django's, without rendering a form widget template per row: that was a quarter of
        # the server time of a 50-row list (docs/benchmarks.md).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def get_object(self, request, object_id, from_field=None):
        # Django loads the object before it asks about permissions; under a role without SELECT that load is
        # a database error. Asking first turns it into the 403 it should be.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().get_object(request, object_id, from_field)


class ViewOnlyConsoleModelAdmin(ConsoleModelAdmin):
    """For tables people only read in the console: the append-only logs and what the platform records.

    Whatever a role's grants say, rows here are written by the platform and removed only by retention.
    """

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def table_row_estimate(table: str) -> int:
    """The planner's row count of `table` (pg_class.reltuples): free to read, as fresh as the last ANALYZE.

    -1 when the table was never analysed. Readable by every role, whatever its privileges on the table.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return row[0] if row is not None else -1


class LargeTablePaginator(Paginator):
    """Never counts a million rows for a page: the planner's estimate unfiltered, exact up to a bound filtered.

    agent_queries, facts, the logs and the approvals' history grow to millions of rows; an exact count reads
    all of them on every page view. Unfiltered, the list shows the table's estimate (pg_class.reltuples; for
    the console's roles, whose policies on these tables show every row, it is the size they see). Filtered or
    searched, it counts at most `count_exactly_up_to` + 1 rows (one bounded index scan, a few ms at any table
    size): a longer list says "more than 10,000" (templates/admin/pagination.html) and pages up to there, which
    is as deep as a person pages; a filter narrows it. `known_count`, when the caller has counted the list
    already, is taken as it is; `count_up_to` lowers the bound for a filter that no index counts (one checked
    row by row). Pair with `show_full_result_count = False`, which drops the admin's second count.
    """

    estimate_above = 100_000
    count_exactly_up_to = 10_000

    def __init__(self, *args, known_count: int | None = None, count_up_to: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count
        if count_up_to is not None:
            self.count_exactly_up_to = count_up_to
        self.capped = False

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if not queryset.query.where:
            estimate = table_row_estimate(queryset.model._meta.db_table)
            if estimate > self.estimate_above:
                return estimate
            return super().count
        bounded = queryset.order_by()[: self.count_exactly_up_to + 1].count()
        self.capped = bounded > self.count_exactly_up_to
        return bounded




def json_text(value) -> str:
    """A jsonb value as indented JSON text, as people read it."""
    return json.dumps(value, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)


def pretty_json(value) -> str:
    """A jsonb value as indented JSON in a <pre>, escaped: payloads come from agents and end users."""
    text = json_text(value)
    return format_html(
        '<pre class="hotdash-json" style="margin: 0; max-height: 40em; overflow: auto; white-space: pre-wrap">{}</pre>',
        text,
    )


def truncated(text: str | None, length: int = 80) -> str:
    """Long text cut for a list column (the detail page shows it whole)."""
    return Truncator(text or "").chars(length)


@dataclass
class ServiceCall:
    failed: bool = False


@contextmanager
def service_errors_reported(request, *, failed: str) -> Iterator[ServiceCall]:
    """Run a service call from an admin page; a refusal becomes one message ("<failed>: <reason>.").

    The admin's one translation of hotdash.errors (and Django's ValidationError) into what a person reads: a
    conflict (someone else got there first) is a warning, anything else an error. The caller checks `failed`
    to choose where to go next.

        with service_errors_reported(request, failed="Not decided") as call:
            approval_decide(...)
        if call.failed:
            return HttpResponseRedirect(here)
    """
    call = ServiceCall()
    try:
        yield call
    except (ServiceError, ValidationError) as exc:
        call.failed = True
        reason = exc.message if isinstance(exc, ServiceError) else "; ".join(exc.messages)
        level = messages.WARNING if isinstance(exc, Conflict) else messages.ERROR
        messages.add_message(request, level, f"{failed}: {reason.rstrip('.')}.")
