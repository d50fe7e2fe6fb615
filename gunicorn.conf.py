"""gunicorn reads this file from the working directory (/app in the image) on its own.

With ``PROMETHEUS_MULTIPROC_DIR`` set, each worker writes its metrics to files there and
``/metrics`` adds them up (operations/metrics.py): the folder is emptied when gunicorn starts,
so a restart does not add old counts, and a worker that exits is told to the library.
"""

import os
import pathlib


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = pathlib.Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
