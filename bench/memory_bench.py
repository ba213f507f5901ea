"""Peak memory of the JSON Lines export: ``manage.py export_claims`` in a fresh process.

The command writes the same lines as ``GET /api/v1/claims/export.jsonl`` (the
same ``jsonl_chunks`` generator) to its standard output, here /dev/null. Its peak
resident set size is read from the kernel when it ends (``os.wait4``'s
``ru_maxrss``, this one child's own, not the maximum over all children).

Not ``-o /dev/null``: the command writes to FILE.part and renames it over FILE,
which would replace the /dev/null device with a regular file when run as root.
"""

from __future__ import annotations

import os
import subprocess
import time

from bench.common import PYTHON, ROOT, django_env, say


def export_peak_rss(database_url: str) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one ``manage.py export_claims`` run."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "export_claims"],
        cwd=ROOT,
        env=django_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    seconds = time.perf_counter() - began
    if process.returncode != 0:
        raise RuntimeError(f"export_claims exited with {process.returncode}")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    say(f"  export_claims: peak RSS {peak_mb:,.1f} MB in {seconds:,.1f} s")
    return peak_mb, seconds
