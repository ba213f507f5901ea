"""Where Celery's autodiscovery finds the desk's tasks; they live with the jobs' rules."""

from annotations.jobs import check_monitored, deliver_notification, run_job, sweep_task

__all__ = ["check_monitored", "deliver_notification", "run_job", "sweep_task"]
