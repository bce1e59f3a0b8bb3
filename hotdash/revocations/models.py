from django.db import models


class TokenRevocation(models.Model):
    """Every token of `subject` issued at or before `revoked_before` is refused, access tokens included."""

    # The token's user_id claim: a console user's primary key, or "<role>:<client>" for a machine client.
    subject = models.CharField(max_length=300, unique=True)
    revoked_before = models.DateTimeField()
    revoked_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "API token revocation"

    def __str__(self) -> str:
        return f"{self.subject} before {self.revoked_before:%Y-%m-%d %H:%M:%S}"
