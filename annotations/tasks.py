"""Where Celery's autodiscovery finds the desk's tasks; they live with the jobs' rules."""

from annotations.jobs import check_monitored, run_job

__all__ = ["check_monitored", "run_job"]
