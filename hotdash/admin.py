"""The console's admin site and the base class of every model admin in it.

Django's group permissions decide what the admin offers; the database role decides what it may do. The
base class asks PostgreSQL what the request's role holds on the model's table, so a page never offers
what the database would refuse (a superuser acts as the supervisor role, which reads no facts, for one).
"""

from django.contrib import admin
from django.db import connection

admin.site.site_header = "HotDash Console"
admin.site.site_title = "HotDash Console"
admin.site.index_title = "Queues, annotations and agent data"

_PRIVILEGE_SQL = (
    "SELECT has_table_privilege(current_user, %s, 'SELECT'),"
    " has_table_privilege(current_user, %s, 'INSERT'),"
    " has_any_column_privilege(current_user, %s, 'UPDATE'),"
    " has_table_privilege(current_user, %s, 'DELETE')"
)


def table_privileges(request, table: str) -> dict[str, bool]:
    """What the request's database role may do on `table`, read once per request and table."""
    cache = request.__dict__.setdefault("_table_privileges", {})
    if table not in cache:
        if getattr(request, "db_context", None) is None:
            cache[table] = dict.fromkeys(("view", "add", "change", "delete"), False)
        else:
            with connection.cursor() as cursor:
                cursor.execute(_PRIVILEGE_SQL, [table] * 4)
                cache[table] = dict(zip(("view", "add", "change", "delete"), cursor.fetchone(), strict=True))
    return cache[table]


class ConsoleModelAdmin(admin.ModelAdmin):
    """A model admin that offers only what both the user's groups and their database role allow."""

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
