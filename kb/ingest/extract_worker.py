"""Each corpus file is extracted in a worker process with a time and memory budget, so that a
hostile or broken file costs at most that budget and is skipped with a warning, while the rest
of the corpus goes in.

Extractors are third-party parsers (pdfminer, python-docx, lxml, trafilatura) fed whatever a
user puts in a folder, and some inputs make them loop forever (PDF objects that refer to each
other), take hours (a docx cell spanning 20 million columns, PDF layout analysis quadratic in
scattered text boxes, super-linear HTML extraction) or exhaust memory. Python cannot interrupt
a thread stuck in C code, so the only bound that always holds is a process that can be killed.

One worker serves all files of an ingest in turn (forked once where the platform allows it, so
it starts in milliseconds and knows what the parent imported); a new one replaces it only
after it was killed or died. Its memory is capped with setrlimit(RLIMIT_DATA): growing beyond
the cap raises MemoryError in it, reported as the file being over budget."""

from __future__ import annotations

import multiprocessing
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Literal

DEFAULT_FILE_SECONDS = 300  # a scanned book read by OCR takes minutes; a hang is cut after five
DEFAULT_FILE_MEMORY_MB = 4096
_MB = 2**20

Outcome = tuple[Literal["done", "error"], Any]


class OverBudget(Exception):
    """A file whose extraction ran out of time or memory, or killed its worker; the message says
    which and what to do."""


@dataclass(frozen=True)
class Budget:
    """What extracting one file may cost: wall-clock seconds, and memory beyond what the worker
    held when it started."""

    seconds: float = DEFAULT_FILE_SECONDS
    memory_mb: int = DEFAULT_FILE_MEMORY_MB


class Worker:
    """A process that runs `job(argument)` for one file at a time within a budget; use it as a
    context manager so that the process ends with the ingest."""

    def __init__(self, job: Any, budget: Budget) -> None:
        self.job = job
        self.budget = budget
        # fork: the worker starts at once with kb and its extractors already imported, and with
        # any change the caller made to them; elsewhere a fresh interpreter is the safe start.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        self.context: Any = multiprocessing.get_context(method)
        self.process: Any = None
        self.connection: Connection | None = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def run(self, argument: Any) -> Any:
        """`job(argument)` in the worker: its result, or the exception it raised (re-raised
        here); OverBudget when it ran out of time or memory or the worker died."""
        if self.process is None or not self.process.is_alive():
            self._start()
        assert self.connection is not None
        self.connection.send(argument)
        if not self.connection.poll(self.budget.seconds):
            self.stop()
            raise OverBudget(
                f"still being read after {self.budget.seconds:g} s (a damaged file that loops?): not read; "
                "if it is worth the wait, pass a longer --file-timeout"
            )
        try:
            kind, value = self.connection.recv()
        except (EOFError, OSError):
            self.process.join(timeout=5)  # its exit code is known once it has exited
            code = self.process.exitcode
            self.stop()
            raise OverBudget(_death(code, self.budget)) from None
        if kind == "error":
            if isinstance(value, MemoryError):
                self.stop()  # a process that ran out of memory may be in no state to go on
                raise OverBudget(_over_memory(self.budget))
            raise value
        return value

    def _start(self) -> None:
        parent, child = self.context.Pipe()
        self.process = self.context.Process(
            target=_serve, args=(self.job, child, self.budget.memory_mb), name="kb-extract", daemon=True
        )
        self.process.start()
        child.close()
        self.connection = parent

    def stop(self) -> None:
        """End the worker (killed: it may be stuck in C code that no signal handler reaches)."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process.close()
            self.process = None
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _serve(job: Any, connection: Connection, memory_mb: int) -> None:
    """The worker's loop: one argument in, one outcome out, until the parent closes the pipe."""
    _die_with_parent()
    _cap_memory(memory_mb)
    while True:
        try:
            argument = connection.recv()
        except EOFError:
            return
        outcome: Outcome
        try:
            outcome = ("done", job(argument))
        except MemoryError:
            outcome = ("error", MemoryError())
        except Exception as exc:  # re-raised in the parent, which decides what it means
            outcome = ("error", exc)
        try:
            connection.send(outcome)
        except MemoryError:
            connection.send(("error", MemoryError()))
        except Exception as exc:  # an exception or result pickling cannot carry: named instead
            connection.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def _die_with_parent() -> None:
    """Have the kernel kill the worker when the ingest that started it dies (killed, say, by a
    time limit): a worker stuck in a file's reading would never read the closed pipe."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    set_parent_death_signal = 1  # PR_SET_PDEATHSIG, from <sys/prctl.h>
    ctypes.CDLL(None).prctl(set_parent_death_signal, signal.SIGKILL)


def _cap_memory(memory_mb: int) -> None:
    """Let the worker's data (heap and private mappings) grow by at most `memory_mb` beyond
    what it holds now: a forked worker starts with the parent's data, a loaded model included."""
    try:
        import resource
    except ImportError:  # not on this platform: time is still bounded
        return
    held = _data_bytes()
    limit = held + memory_mb * _MB
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _data_bytes() -> int:
    """The process's data size now (VmData, Linux); 0 where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _over_memory(budget: Budget) -> str:
    return (
        f"reading it needed more than {budget.memory_mb:,} MB of memory: not read; if it is genuine, "
        "pass a larger --file-memory"
    )


def _death(exitcode: int | None, budget: Budget) -> str:
    """Why a worker that died without answering died, as far as its exit code tells."""
    if exitcode is not None and exitcode < 0:
        import signal

        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        if name == "SIGKILL":  # the kernel's out-of-memory killer, most likely
            return _over_memory(budget)
        return f"the reader crashed on it ({name}): the file may be damaged; open it and save it again"
    return f"the reader stopped on it (exit code {exitcode}): the file may be damaged; open it and save it again"
