"""How an interactive run takes Ctrl+C and SIGTERM: the same for both front ends and the rehearsal.

A process started as a background job of a script inherits SIGINT ignored,
and Python keeps it so: every Ctrl+C pressed outside a raw-mode prompt (during
a live check, while a farm starts) was lost. SIGTERM, left to Python's
default, ends the process on the spot, leaving a practice farm's folder behind
and the terminal in raw or full-screen mode. For the length of an interactive
run both signals therefore do what Ctrl+C does in a foreground program.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from types import FrameType


@contextlib.contextmanager
def interactive_signals(on_stop: Callable[[], None] | None = None) -> Iterator[None]:
    """Inside: Ctrl+C (SIGINT) and SIGTERM interrupt, whatever the process inherited.

    Args:
        on_stop: called for either signal instead of raising KeyboardInterrupt
            (for a foreground loop that waits on an event).

    The handlers in place before come back on leaving. Outside the main thread,
    where no handler can be set, signals are left as they are.
    """

    def stop(_signum: int, _frame: FrameType | None) -> None:
        if on_stop is None:
            raise KeyboardInterrupt
        on_stop()

    wanted = {
        signal.SIGINT: stop if on_stop is not None else signal.default_int_handler,
        signal.SIGTERM: stop,
    }
    previous: dict[signal.Signals, object] = {}
    try:
        for sig, handler in wanted.items():
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)  # type: ignore[arg-type]
