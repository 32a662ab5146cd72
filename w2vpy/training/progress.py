"""word2vec.c's progress line (``-debug 2``, ``progress=True``), for every backend."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """word2vec.c's -debug 2 line, with wall-clock speed and an ETA, on stderr."""

    def __init__(self, total_words: int, stream: TextIO = sys.stderr, interval: float = 0.5):
        self.total = max(total_words, 1)
        self.stream = stream
        self.interval = interval
        self.start = time.perf_counter()
        self.last = 0.0

    def __call__(self, words_done: int, alpha: float, final: bool = False) -> None:
        now = time.perf_counter()
        if not final and now - self.last < self.interval:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = words_done / elapsed
        fraction = min(words_done / self.total, 1.0)
        eta = (self.total - words_done) / rate if rate > 0 and not final else 0.0
        self.stream.write(
            f"\rAlpha: {alpha:f}  Progress: {fraction * 100:.2f}%  "
            f"Words/sec: {rate / 1000:.2f}k  Elapsed: {_clock(elapsed)}  ETA: {_clock(eta)}  ")
        if final:
            self.stream.write("\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
