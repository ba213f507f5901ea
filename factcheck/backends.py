"""The model permission backend, asking the database once per request, not twice."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def permissions_sql() -> str:
    """A person's own and group permissions as (app label, codename), in one statement.

    Written once per process from the models' tables: the ORM spent twice the query's
    own time compiling the same statement on every request.
    """
    q = connection.ops.quote_name
    own = User.user_permissions.through._meta
    shared = Group.permissions.through._meta
    member = User.groups.through._meta
    return (
        f"SELECT ct.{q('app_label')}, p.{q('codename')} "  # noqa: S608 - names from _meta
        f"FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"WHERE p.{q('id')} IN ("
        f"SELECT {q('permission_id')} FROM {q(own.db_table)} WHERE {q('user_id')} = %s "
        f"UNION SELECT g.{q('permission_id')} FROM {q(shared.db_table)} g "
        f"JOIN {q(member.db_table)} m ON m.{q('group_id')} = g.{q('group_id')} "
        f"WHERE m.{q('user_id')} = %s)"
    )


class ModelBackendOneQuery(ModelBackend):
    """Django's ``ModelBackend`` with a person's own and group permissions read in one
    query: every API request asks ``has_perm``, and Django's backend spends two queries on
    the answer (user permissions, then group permissions). Same rules: an inactive or
    anonymous user has none, a superuser has all, object permissions are not ours."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                found = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(permissions_sql(), [user_obj.pk, user_obj.pk])
                    found = cursor.fetchall()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in found}
        return user_obj._perm_cache
