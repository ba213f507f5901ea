"""The model permission backend, asking the database once per request, not twice."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q


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
                found = Permission.objects.all()
            else:
                own = User.user_permissions.through.objects.filter(user_id=user_obj.pk)
                shared = Group.permissions.through.objects.filter(group__user=user_obj.pk)
                found = Permission.objects.filter(
                    Q(pk__in=own.values("permission_id")) | Q(pk__in=shared.values("permission_id"))
                )
            user_obj._perm_cache = {
                f"{app}.{codename}"
                for app, codename in found.values_list("content_type__app_label", "codename")
            }
        return user_obj._perm_cache
