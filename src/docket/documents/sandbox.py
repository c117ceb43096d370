"""Running a parser of outside files in a child process, so that a file which crashes the
parser, never ends or asks for gigabytes costs that child and not docket.

The child is ``python -m MODULE ARGS…``: it gets the file's bytes on its standard input
and answers on its standard output. It calls :func:`limit` first thing, which sets the
address-space and CPU-time limits the parent passed down in ``DOCKET_SANDBOX_LIMITS``
(not with ``preexec_fn``, which is unsafe in a process with threads such as the server).
The parent kills the child's whole process group after a wall-clock timeout, so programs
the child starts (Tesseract) end with it. Used by :mod:`docket.documents.page_images`
and :mod:`docket.extraction`.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass

_LIMITS = "DOCKET_SANDBOX_LIMITS"  # "<address-space bytes>,<CPU seconds>"


@dataclass(frozen=True)
class Limits:
    """What one child may use: wall-clock seconds, address space and CPU seconds."""

    seconds: float
    memory_bytes: int
    cpu_seconds: int


class SandboxError(Exception):
    """The child did not answer: ``timeout`` is set when it ran out of time, otherwise
    ``words`` is the last line it wrote on its standard error (its exception)."""

    def __init__(self, words: str, *, timeout: bool = False) -> None:
        super().__init__(words)
        self.words = words
        self.timeout = timeout


def run(module: str, argv: list[str], data: bytes, limits: Limits) -> bytes:
    """The standard output of ``python -m module *argv`` given ``data``, under ``limits``."""
    env = dict(os.environ)
    env[_LIMITS] = f"{limits.memory_bytes},{limits.cpu_seconds}"
    env.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's threads would only fight over the cores
    child = subprocess.Popen([sys.executable, "-m", module, *argv], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                             start_new_session=True)  # its own group, killed whole on timeout
    try:
        out, err = child.communicate(data, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        _kill_group(child.pid)
        child.communicate()
        raise SandboxError(f"it took longer than {limits.seconds:g} s", timeout=True) from None
    finally:
        if child.poll() is None:  # an exception in this thread (KeyboardInterrupt): no orphan
            _kill_group(child.pid)
            child.wait()
    _kill_group(child.pid)  # anything it left running in the background
    if child.returncode != 0:
        raise SandboxError(_last_words(err, child.returncode))
    return out


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _last_words(err: bytes, code: int) -> str:
    lines = err.decode(errors="replace").strip().splitlines()
    if not lines:
        if code < 0:
            return f"it was stopped by signal {signal.Signals(-code).name}"
        return "it stopped"
    last = lines[-1]
    kind, _, words = last.partition(": ")  # "module.Error: words" → the words
    return (words if words and " " not in kind else last)[:200]


def limit() -> None:
    """In the child: apply the limits its parent set (a no-op when run by hand)."""
    given = os.environ.get(_LIMITS)
    if not given:
        return
    memory, cpu = (int(part) for part in given.split(","))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
