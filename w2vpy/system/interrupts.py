"""Stopping on request: Ctrl-C, SIGTERM and SIGHUP all end a command the
same way, within a second, in every phase that can take longer.

The command-line tools turn SIGTERM and SIGHUP into ``Interrupted``, a
KeyboardInterrupt, so that every cleanup written for Ctrl-C (stopping the
training threads, removing a half-written temporary file, keeping the old
output) runs for them too, and the process exits 128 + the signal's number.
Compiled work that runs longer than a second with the GIL released is run
through ``run_stoppable``, so that the main thread stays free to take the
signal and ask the work to stop."""
from __future__ import annotations

import contextlib
import signal
import threading
from typing import Callable, Iterator, TypeVar

import numpy as np

T = TypeVar("T")

#: signals that end a command as Ctrl-C does
TERMINATING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                            if hasattr(signal, name))
POLL_SECONDS = 0.05


class Interrupted(KeyboardInterrupt):
    """A terminating signal other than SIGINT, raised in the main thread."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_number(exc: KeyboardInterrupt) -> int:
    return exc.signum if isinstance(exc, Interrupted) else signal.SIGINT


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _handled_by(handler: Callable[[int, object], None], signals: tuple[int, ...]) -> Iterator[None]:
    """While active, ``signals`` go to ``handler``, then back to the handlers
    they had.  Only the main thread may set handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    finally:
        for s, earlier in previous.items():
            signal.signal(s, earlier)


def terminating_signals_interrupt() -> contextlib.AbstractContextManager[None]:
    """While active (main thread only), SIGTERM and SIGHUP raise Interrupted."""
    return _handled_by(_raise_interrupted, TERMINATING_SIGNALS)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """While active (main thread only), Ctrl-C and the terminating signals
    wait: a step that must not be cut in two (creating a temporary file and
    noting its name for the cleanup) runs whole, and the signal is then
    delivered again to the handler it would have met.  Blocking the signal
    would not do: the kernel may hand it to another thread, whose handler
    still raises in this one."""
    caught: list[int] = []
    try:
        with _handled_by(lambda signum, frame: caught.append(signum),
                         (signal.SIGINT, *TERMINATING_SIGNALS)):
            yield
    finally:
        if caught:
            signal.raise_signal(caught[0])


def new_stop_flag() -> np.ndarray:
    """A flag the compiled code polls: set element 0 to non-zero to stop it."""
    return np.zeros(1, dtype=np.int32)


def run_stoppable(work: Callable[[np.ndarray], T]) -> T:
    """Runs ``work(stop_flag)`` (compiled code that releases the GIL and polls
    the flag) on a worker thread while this thread waits, so that a signal is
    taken here at once; on an interrupt the flag is raised, the work ends at
    its next poll, and the interrupt goes on."""
    stop = new_stop_flag()
    outcome: list[object] = []
    # Waited on instead of Thread.join: a join that an interrupt cut short
    # leaves the thread's lock released, so the next join returns at once,
    # while the compiled work still runs on the caller's arrays.
    done = threading.Event()

    def target() -> None:
        try:
            outcome.append(("value", work(stop)))
        except BaseException as exc:  # raised in the caller's thread
            outcome.append(("error", exc))
        finally:
            done.set()

    worker = threading.Thread(target=target, name="w2vpy-stoppable", daemon=True)
    worker.start()
    try:
        while not done.wait(POLL_SECONDS):
            pass
    except BaseException:
        stop[0] = 1
        done.wait()
        worker.join()
        raise
    worker.join()
    kind, value = outcome[0]  # type: ignore[misc]
    if kind == "error":
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]
