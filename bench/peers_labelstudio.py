"""Label Studio's side of the peer benchmark (run by bench/peers_worker.py in its venv).

Loaded through its own models: an organization whose legacy API tokens are on (the
``Authorization: Token …`` its API documents), a superuser in it, a project with a
Labels config over a Text, a Task per document and one Annotation per task whose
``result`` holds the document's spans, as the labeling UI would save them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

PROJECT = "peers"
ADMIN = "bench-admin@example.org"
CREATE_TARGET = "peers-create"
CONFIG = """<View>
  <Labels name="label" toName="text"><Label value="Claim"/></Labels>
  <Text name="text" value="$text"/>
</View>"""


def setup() -> None:
    """Label Studio's own settings module (its apps are top-level modules of label_studio/),
    with the database connection kept open between requests: its settings read no
    variable for that and open one per request, where ours and doccano keep theirs
    (DATABASE_CONN_MAX_AGE), so it would pay a connection on every request."""
    import label_studio

    sys.path.insert(0, os.path.dirname(label_studio.__file__))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.label_studio")
    import django
    from django.conf import settings

    django.setup()
    # The same dict the connection reads when it next connects (after this request).
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 60


def region(n: int, text: str, start: int, end: int) -> dict[str, Any]:
    """One span as Label Studio's labeling UI saves it in an annotation's result."""
    return {
        "id": f"r{n}",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": ["Claim"]},
    }


def fill(spec: dict[str, Any]) -> None:
    from django.core.management import call_command
    from organizations.models import Organization
    from projects.models import Project
    from tasks.models import Annotation, Task
    from users.models import User

    call_command("migrate", "--no-color", verbosity=0)
    user = User.objects.create_user(email=ADMIN, password="not-a-secret")  # noqa: S106
    user.is_staff = user.is_superuser = True
    user.save()
    organization = Organization.create_organization(
        created_by=user, title="Peers", legacy_api_tokens_enabled=True
    )
    user.active_organization = organization
    user.save(update_fields=["active_organization"])
    project = Project.objects.create(
        title=PROJECT, created_by=user, organization=organization, label_config=CONFIG
    )
    tasks = Task.objects.bulk_create(
        Task(
            project=project,
            data={"text": doc["text"], "title": doc["title"]},
            total_annotations=1,
            is_labeled=True,
        )
        for doc in spec["docs"]
    )
    Annotation.objects.bulk_create(
        Annotation(
            task=task,
            project=project,
            completed_by=user,
            updated_by=user,
            result=[region(n, doc["text"], s, e) for n, (s, e) in enumerate(doc["spans"])],
        )
        for task, doc in zip(tasks, spec["docs"], strict=True)
    )


def load(spec_path: str, fresh: bool) -> dict[str, Any]:
    from projects.models import Project
    from rest_framework.authtoken.models import Token
    from tasks.models import Task
    from users.models import User

    spec = json.loads(Path(spec_path).read_text())
    if fresh:
        fill(spec)
    project = Project.objects.get(title=PROJECT)
    Task.objects.filter(project=project, data__create_target=True).delete()
    tasks = list(Task.objects.filter(project=project).order_by("id").values_list("id", flat=True))
    source = spec["docs"][2]
    target = Task.objects.create(
        project=project,
        data={"text": source["text"], "title": CREATE_TARGET, "create_target": True},
    )
    token, _ = Token.objects.get_or_create(user=User.objects.get(email=ADMIN))
    start, end = source["spans"][0]
    body = {
        "result": [region(0, source["text"], start, end)],
        "was_cancelled": False,
        "ground_truth": False,
        "lead_time": 1.0,
    }
    tables = ["task_completion"]
    return {
        "authorization": f"Token {token.key}",
        "requests": {
            "list": {
                "method": "GET",
                "path": f"/api/tasks/{tasks[0]}/annotations/",
                "tables": tables,
            },
            "page": {
                "method": "GET",
                "path": f"/api/tasks/{tasks[1]}/annotations/",
                "tables": tables,
            },
            "create": {
                "method": "POST",
                "path": f"/api/tasks/{target.pk}/annotations/",
                "body": json.dumps(body),
                "tables": tables,
            },
        },
        "project": project.pk,
    }


def export(out: Path) -> None:
    """What ``label-studio export PROJECT JSON PATH`` runs: tasks.functions.export_project."""
    from projects.models import Project
    from tasks.functions import export_project

    project = Project.objects.get(title=PROJECT)
    export_project(project.pk, "JSON", str(out))
