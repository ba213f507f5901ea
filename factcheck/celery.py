"""The Celery app: ``celery -A factcheck worker`` runs the desk's background jobs.

Settings come from Django's (``CELERY_*``): with no ``CELERY_BROKER_URL`` the jobs run
inline where they are asked for, so nothing needs a broker to work on one machine.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
