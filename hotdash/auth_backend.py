"""Django's model backend, reading a user's permissions in one query instead of two.

Every admin page asks for the user's permissions; Django's ModelBackend reads the user's own and their groups'
in two queries. Console users get permissions through groups (hotdash/groups.py), but both kinds still count:
one UNION'd query gives the same set (docs/benchmarks.md, the approval queue's query count).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class ConsoleModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                permissions = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list("content_type__app_label", "codename").distinct()
            }
        return user_obj._perm_cache
