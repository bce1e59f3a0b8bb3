from rest_framework.permissions import BasePermission

from hotdash.db_context import Role


class HasDbRole(BasePermission):
    """The request acts as a database role, and (when the view names some) as one the view accepts.

    Views declare `allowed_roles`: a set of roles, or a dict from a viewset action (`list`, `create`...)
    or an HTTP method (`GET`, `POST`) to a set. The database enforces the same rules again; this check turns a refusal into a clear 403
    before any query runs.
    """

    message = "These credentials do not act as a role that may use this endpoint."

    def has_permission(self, request, view) -> bool:
        context = getattr(request, "db_context", None)
        if context is None or not request.user.is_authenticated:
            return False
        return context.role in allowed_roles_for(view, request.method)


def allowed_roles_for(view, method: str) -> set[Role]:
    allowed = getattr(view, "allowed_roles", None)
    if allowed is None:
        return set(Role)
    if isinstance(allowed, dict):
        return set(allowed.get(getattr(view, "action", None)) or allowed.get(method, ()))
    return set(allowed)
