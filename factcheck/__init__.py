# The Celery app loads with Django, so tasks are registered wherever Django runs.
from factcheck.celery import app as celery_app

__all__ = ["celery_app"]
