"""factcheck.backends: Django's permission rules, asked in one query."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission, User

from factcheck.backends import ModelBackendOneQuery
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache carried over


def test_the_same_permissions_as_djangos_backend_in_one_query(django_assert_num_queries):
    user = make_user("both", "Reviewers")
    user.user_permissions.add(Permission.objects.get(codename="review_claim"))
    expected = ModelBackend().get_all_permissions(fresh(user))
    assert "annotations.review_claim" in expected and "annotations.add_claim" in expected
    user = fresh(user)
    with django_assert_num_queries(1):
        assert ModelBackendOneQuery().get_all_permissions(user) == expected
        assert user.has_perm("annotations.review_claim")
        assert not user.has_perm("annotations.retract_claim")


def test_group_only_own_only_and_none(editor, outsider):
    backend = ModelBackendOneQuery()
    assert backend.get_all_permissions(fresh(editor)) == ModelBackend().get_all_permissions(
        fresh(editor)
    )
    assert backend.get_all_permissions(fresh(outsider)) == set()


def test_inactive_people_have_none_and_superusers_all(editor):
    editor.is_active = False
    assert ModelBackendOneQuery().get_all_permissions(editor) == set()
    admin = User.objects.create_superuser("root-user", "r@example.org", "x-not-used-1")
    assert len(ModelBackendOneQuery().get_all_permissions(admin)) == Permission.objects.count()


def test_object_permissions_are_not_ours(editor):
    assert ModelBackendOneQuery().get_all_permissions(editor, obj=object()) == set()
