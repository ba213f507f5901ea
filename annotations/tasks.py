"""Where Celery's autodiscovery finds the desk's tasks; they live with the rules they run."""

from annotations.jobs import check_monitored, run_job, sweep_task
from annotations.notifications import deliver_notification

__all__ = ["check_monitored", "deliver_notification", "run_job", "sweep_task"]
