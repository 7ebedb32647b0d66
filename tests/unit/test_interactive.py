"""Ctrl+C and SIGTERM interrupt an interactive run, whatever the process inherited, and nothing more."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from wizard.interactive import interactive_signals


@pytest.fixture
def sigint_ignored() -> Iterator[None]:
    """The process as a shell starts a background job of a script: SIGINT ignored."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_either_signal_interrupts_inside_even_with_sigint_ignored(sigint_ignored: None, sig: int) -> None:
    terminate_before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), interactive_signals():
        signal.raise_signal(sig)
    # Outside, what was there before is back: SIGINT ignored again, SIGTERM as it was.
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) == terminate_before
    signal.raise_signal(signal.SIGINT)  # ignored again: nothing happens


def test_a_stop_callback_is_called_instead(sigint_ignored: None) -> None:
    stops: list[str] = []
    with interactive_signals(lambda: stops.append("stop")):
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGTERM)
    assert stops == ["stop", "stop"]
