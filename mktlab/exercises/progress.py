"""Progress of a grading run: a bar on a terminal, plain log lines otherwise.

On a terminal, one line is redrawn in place::

    [#########...........]  41/90  failed 2  cached 10  1.3/s  ETA 0:37

When the output is not a terminal (a log file, CI), each finished submission
gets one line that reads well in a file::

    [41/90] wang_li: ok, 7/9 (1.21 s); failed so far: 2; ETA 0:37
"""
from __future__ import annotations

import sys
import time

__all__ = ["Progress", "eta_text"]


def eta_text(seconds):
    """``h:mm:ss`` or ``m:ss`` for a number of seconds; ``?`` when unknown.

    Examples
    --------
    >>> eta_text(37), eta_text(3725), eta_text(None)
    ('0:37', '1:02:05', '?')
    """
    if seconds is None or seconds != seconds or seconds < 0:
        return "?"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Count finished submissions and failures, estimate the time left, and show it.

    Parameters
    ----------
    total : int
        Number of submissions.
    stream : file, optional
        Where to write (default: standard error).
    tty : bool, optional
        Draw a bar (default: when ``stream`` is a terminal).
    max_points : float
        Shown in the log lines.

    Examples
    --------
    >>> import io
    >>> from types import SimpleNamespace as NS
    >>> out = io.StringIO()
    >>> p = Progress(2, stream=out, tty=False, max_points=9, clock=iter([0, 1, 2, 3]).__next__)
    >>> p.update(NS(student="ann", status="ok", total=9, seconds=1.0, cached=False))
    >>> p.update(NS(student="bo", status="timeout", total=1, seconds=1.0, cached=False))
    >>> print(out.getvalue().strip())
    [1/2] ann: ok, 9/9 (1.00 s); failed so far: 0; ETA 0:01
    [2/2] bo: timeout, 1/9 (1.00 s); failed so far: 1; ETA 0:00
    >>> p.failed
    1
    """

    def __init__(self, total, stream=None, tty=None, max_points=0, width=24, clock=time.monotonic, tr=str):
        self.total, self.max_points, self.width, self.clock, self.tr = total, max_points, width, clock, tr
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.done = self.failed = self.cached = 0
        self.start = clock()
        self._last_draw = 0.0

    def eta(self):
        """Seconds left, from the rate of submissions graded so far (cached ones are not counted)."""
        graded = self.done - self.cached
        left = self.total - self.done
        if left == 0:
            return 0.0
        if graded <= 0:
            return None
        return (self.clock() - self.start) / graded * left

    def update(self, result):
        self.done += 1
        if result.status != "ok":
            self.failed += 1
        if getattr(result, "cached", False):
            self.cached += 1
        if self.tty:
            self._draw(final=self.done == self.total)
        else:
            max_points = f"/{self.max_points:g}" if self.max_points else ""
            reused = self.tr(", reused") if getattr(result, "cached", False) else ""
            self.stream.write(f"[{self.done}/{self.total}] {result.student}: {result.status}, "
                              f"{result.total:g}{max_points} ({result.seconds:.2f} s{reused}); "
                              + self.tr("failed so far: {failed}; ETA {eta}").format(
                                  failed=self.failed, eta=eta_text(self.eta())) + "\n")
            self.stream.flush()

    def _draw(self, final=False):
        now = self.clock()
        if not final and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        filled = int(self.width * self.done / self.total) if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = now - self.start
        graded = self.done - self.cached
        rate = f"{graded / elapsed:.1f}/s" if elapsed > 0 and graded else "-/s"
        line = (f"\r[{bar}] {self.done:>{len(str(self.total))}}/{self.total}  "
                + self.tr("failed {failed}  cached {cached}  {rate}  ETA {eta} ").format(
                    failed=self.failed, cached=self.cached, rate=rate, eta=eta_text(self.eta())))
        self.stream.write(line + ("\n" if final else ""))
        self.stream.flush()

    def close(self):
        """End the bar's line if it was left open."""
        if self.tty and self.done != self.total:
            self.stream.write("\n")
            self.stream.flush()
