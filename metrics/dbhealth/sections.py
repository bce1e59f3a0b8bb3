"""The report's sections in their order, and the one function that runs them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from hotdash.db_context import Role, acting_as
from metrics.dbhealth import connections, indexes, migrations, query_audit, rls, schedules, statements, tables
from metrics.dbhealth.report import Level, Report, Section

SECTIONS: dict[str, tuple[str, Callable[[], Section]]] = {
    module.NAME: (module.TITLE, module.section)
    for module in (migrations, rls, indexes, tables, query_audit, schedules, connections, statements)
}
TITLES = {name: title for name, (title, _) in SECTIONS.items()}


def report_build(names: list[str] | None = None) -> Report:
    """Run the named sections (all by default) and return the report.

    The report reads as the service role (every table's statistics and, with pg_read_all_stats, every
    session); the runtime role's own attributes are read for the session user, and the query audit switches
    to each query's role. A section that fails is itself a critical finding: a report that stops half-way
    would hide everything after it.
    """
    chosen = list(SECTIONS) if names is None else names
    sections = []
    with acting_as(Role.SERVICE):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            (database,) = cursor.fetchone()
        for name in chosen:
            title, run = SECTIONS[name]
            try:
                with transaction.atomic():
                    sections.append(run())
            except DatabaseError as error:
                failed = Section(name, title)
                failed.add(
                    "section failed", Level.CRITICAL, name, str(error.__cause__ or error).strip().splitlines()[0],
                    "run `manage.py dbhealth --section " + name + "` and read the error",
                )
                sections.append(failed)
    return Report(generated_at=timezone.now(), database=database, sections=sections)
