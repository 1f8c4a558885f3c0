"""The inbox the link and the HTTP API put into: each message's text is cut
into sentences on the thread that puts it, not on the frame loop's.

Cutting costs about 0.1 ms a message; under a flood from 50 clients that was
40% of the frame loop's time. The link may not import speech (the layering
rule), so the app hands it this queue, built from speech's pure cutter.
"""
from __future__ import annotations

import dataclasses
import logging

from engine.link.inbox import Received, WakingQueue
from engine.speech.queue import whole_sentences

log = logging.getLogger("kuchipaku")


class CuttingInbox(WakingQueue):
    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        if isinstance(item, Received) and item.sentences is None:
            try:
                item = dataclasses.replace(item, sentences=whole_sentences(item.message))
            except Exception:  # the frame loop cuts it then, as it always could
                log.exception("could not cut a message into sentences ahead; it is cut when taken")
        super().put(item, block, timeout)
