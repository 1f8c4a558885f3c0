"""Handing freed memory back to the system.

A neural voice allocates tens of megabytes per sentence inside native code.
glibc keeps what was freed for later, so resident memory would stay at the
largest sentence ever spoken; trimming when the voice falls idle gives it back.
"""
from __future__ import annotations

import ctypes


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc only; elsewhere
    the memory is reused, only not handed back). Under a millisecond, with
    the GIL released (a ctypes call); no gc.collect(), which would hold the
    GIL, and so the frame loop, for several milliseconds."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
