"""Tenant key columns (project, scope, conversation_id) are never blank.

The row-level security policies compare these columns with the tenant settings, and an empty setting matches
nothing (NULLIF in every policy). A blank key would be a row no tenant owns yet one that a careless policy
could hand to every tenant, so the database refuses it for every writer (seeding, COPY, restore, the admin).
NULL stays allowed where the column is nullable: a row without a tenant is visible only to roles that see
every tenant.
"""

from django.db import models


def tenant_key_not_blank(table: str, column: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=~models.Q(**{column: ""}), name=f"{table}_{column}_not_blank")
