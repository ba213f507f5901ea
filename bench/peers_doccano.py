"""doccano's side of the peer benchmark (run by bench/peers_worker.py in doccano's venv).

Loaded through doccano's own models, as its import would leave them: a sequence
labeling project (overlapping spans allowed: our spans overlap), one span type, an
Example per document and a Span per claim, all by the admin who owns the project.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

PROJECT = "peers"
ADMIN = "bench-admin"
CREATE_TARGET = "peers-create"


def setup() -> None:
    """doccano's production settings; its modules live in the package's backend/ folder."""
    import backend

    sys.path.insert(0, os.path.dirname(backend.__file__))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()


def fill(spec: dict[str, Any]) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from examples.models import Example
    from label_types.models import SpanType
    from labels.models import Span
    from projects.models import ProjectType, SequenceLabelingProject

    call_command("migrate", verbosity=0)
    call_command("create_roles")
    admin = User.objects.create_superuser(ADMIN, "admin@example.org", "not-a-secret")
    project = SequenceLabelingProject.objects.create(
        name=PROJECT,
        project_type=ProjectType.SEQUENCE_LABELING,
        created_by=admin,
        allow_overlapping=True,
    )
    project.add_admin()
    label = SpanType.objects.create(project=project, text="claim")
    examples = Example.objects.bulk_create(  # a list: doccano's manager reads it twice
        [
            Example(
                project=project,
                text=doc["text"],
                upload_name=f"doc-{n}",
                meta={"title": doc["title"]},
            )
            for n, doc in enumerate(spec["docs"])
        ]
    )
    Span.objects.bulk_create(
        (
            Span(example=example, label=label, user=admin, start_offset=start, end_offset=end)
            for example, doc in zip(examples, spec["docs"], strict=True)
            for start, end in doc["spans"]
        ),
        batch_size=2000,
    )


def load(spec_path: str, fresh: bool) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from examples.models import Example
    from label_types.models import SpanType
    from projects.models import Project
    from rest_framework.authtoken.models import Token

    spec = json.loads(Path(spec_path).read_text())
    if fresh:
        fill(spec)
    project = Project.objects.get(name=PROJECT)
    label = SpanType.objects.get(project=project)
    Example.objects.filter(project=project, upload_name=CREATE_TARGET).delete()
    examples = list(
        Example.objects.filter(project=project).order_by("id").values_list("id", flat=True)
    )
    source = spec["docs"][2]
    target = Example.objects.create(project=project, text=source["text"], upload_name=CREATE_TARGET)
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=ADMIN))
    start, end = source["spans"][0]
    base = f"/v1/projects/{project.pk}/examples"
    tables = ["labels_span"]
    return {
        "authorization": f"Token {token.key}",
        "requests": {
            "list": {"method": "GET", "path": f"{base}/{examples[0]}/spans", "tables": tables},
            "page": {"method": "GET", "path": f"{base}/{examples[1]}/spans", "tables": tables},
            "create": {
                "method": "POST",
                "path": f"{base}/{target.pk}/spans",
                "tables": tables,
                "body": json.dumps({"start_offset": start, "end_offset": end, "label": label.pk}),
            },
        },
        "project": project.pk,
    }


def export(out: Path) -> None:
    """doccano's export task, called directly (no Celery): JSONL of every example with its
    spans, zipped by doccano; we unpack it to ``out`` so the bytes compare with ours."""
    from data_export.celery_tasks import export_dataset
    from projects.models import Project

    project = Project.objects.get(name=PROJECT)
    archive = export_dataset(project.pk, "JSONL")
    with zipfile.ZipFile(archive) as packed, out.open("wb") as target:
        for name in packed.namelist():
            target.write(packed.read(name))
    Path(archive).unlink()
