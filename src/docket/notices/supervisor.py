"""``docket serve``'s outbox worker: a process of its own, started, watched and stopped
with the server.

Rendering and sending e-mails is CPU work; in the server's process it would share one
interpreter lock with every API call. As ``docket worker`` beside the server it runs on
another core, and the server's calls do not wait for it. A worker that dies is started
again (after 1 s, doubling up to 30 s while it keeps dying); one whose server is gone
stops by itself (``--parent``)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading

log = logging.getLogger("docket.outbox")


class WorkerProcess:
    """Run ``python -m docket worker`` until :meth:`stop`, restarting it if it exits."""

    def __init__(self, *, env: dict[str, str] | None = None, first_delay: float = 1.0,
                 max_delay: float = 30.0, stop_timeout: float = 15.0) -> None:
        self.env = env
        self.first_delay, self.max_delay, self.stop_timeout = first_delay, max_delay, stop_timeout
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self.starts = 0  # how many times a worker was started (restarts included)

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._process.pid if self._process is not None else None

    def start(self) -> None:
        self._spawn()
        self._thread = threading.Thread(target=self._watch, name="docket-worker-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the worker to finish its round (SIGINT), then kill it if it does not."""
        self._stop.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                log.warning("the outbox worker did not stop in %.0f s; killing it", self.stop_timeout)
                process.kill()
                process.wait()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _spawn(self) -> None:
        argv = [sys.executable, "-m", "docket", "worker", "--parent", str(os.getpid())]
        # A session of its own: Ctrl-C in the terminal reaches the server, which then
        # stops the worker after its round, rather than both at once.
        process = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, start_new_session=True)
        with self._lock:
            self._process = process
        self.starts += 1

    def _watch(self) -> None:
        delay = self.first_delay
        while not self._stop.is_set():
            with self._lock:
                process = self._process
            assert process is not None
            while process.poll() is None and not self._stop.wait(0.5):
                pass
            if self._stop.is_set():
                return
            log.warning("the outbox worker exited with %s; starting it again in %.0f s",
                        process.returncode, delay)
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, self.max_delay)
            self._spawn()
