"""The users' admin page gains an action that revokes the selected users' API tokens."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from hotdash.revocations.services import user_tokens_revoke

User = get_user_model()


class ConsoleUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, "revoke_api_tokens"]

    @admin.action(description="Revoke the selected users' API tokens", permissions=["change"])
    def revoke_api_tokens(self, request, queryset):
        users = list(queryset)
        for user in users:
            user_tokens_revoke(user, by=request.user.get_username())
        names = ", ".join(user.get_username() for user in users)
        self.message_user(request, f"API tokens revoked: {names}. They must log in again.", messages.SUCCESS)


admin.site.unregister(User)
admin.site.register(User, ConsoleUserAdmin)
