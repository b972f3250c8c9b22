"""The garbage-collector pause is counted: overlapping pauses never leave it switched off."""

from __future__ import annotations

import gc
import threading

from wizard.gcpause import paused_gc


def test_overlapping_pauses_restore_the_collector() -> None:
    assert gc.isenabled()
    first_in = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with paused_gc():
            first_in.set()
            release_first.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with paused_gc():  # starts while the first pause is on...
        release_first.set()
        thread.join(5)  # ...and the first one ends inside it
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
