"""Killing the grader with SIGKILL halfway, then running it again, gives a complete and correct gradebook.

A real grader subprocess grades six lesson-01 submissions (each sleeps 1.5 s so
the kill lands halfway).  Once two results are in ``OUT/.cache`` it is killed
with ``kill -9``.  Its workers, kernel templates and kernels must then stop on
their own.  One finished submission is changed before the second run: its
cached result must not be reused, the others must be.
"""
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from mktlab.cli import main
from submissions import LESSON, ORDER, ROOT, answer


def submission(year_right, order_right):
    nb = nbformat.read(ROOT / "notebooks" / f"{LESSON}.ipynb", as_version=4)
    answer(nb, "smoking_campaign", "import time\ntime.sleep(1.5)")
    answer(nb, "relationship_marketing_coined", f"relationship_marketing_coined = {1983 if year_right else 1960}")
    answer(nb, "concept_order", f"concept_order = {ORDER if order_right else ORDER[::-1]!r}")
    return nb


def descendants(pid):
    """Every process whose chain of parents leads to ``pid``."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids):
    return {p for p in pids if Path(f"/proc/{p}").exists()
            and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")}


def test_kill_minus_9_halfway_then_rerun(tmp_path, capsys):
    """After kill -9: no process is left behind; the second run reuses the 2+ unchanged finished results,
    regrades the changed one, and writes one correct row per student."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    expected = {}
    for i in range(6):
        name = f"student {i}"
        (subs / name).mkdir(parents=True)
        nbformat.write(submission(i % 2 == 0, i % 3 == 0), subs / name / f"{LESSON}.ipynb")
        expected[name] = (i % 2 == 0) + (i % 3 == 0)

    grader = subprocess.Popen([sys.executable, "-m", "mktlab", "grade", "1", str(subs), "--out", str(out),
                               "--jobs", "2", "--timeout", "20"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    cache = out / ".cache"
    deadline = time.monotonic() + 120
    family = set()
    while time.monotonic() < deadline and len(list(cache.glob("*.json"))) < 2:
        family |= descendants(grader.pid)
        assert grader.poll() is None, "the grader finished before it could be killed"
        time.sleep(0.05)
    family |= descendants(grader.pid)
    os.kill(grader.pid, signal.SIGKILL)
    grader.wait()
    assert family, "the grader had started workers"
    deadline = time.monotonic() + 20
    while alive(family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(family), "workers, kernel templates and kernels stop when the grader is killed"
    assert not (out / "gradebook.csv").exists()

    finished = [json.loads(p.read_text(encoding="utf-8"))["student"] for p in cache.glob("*.json")]
    assert 2 <= len(finished) < 6
    changed = finished[0]
    i = int(changed.split()[1])
    nbformat.write(submission(i % 2 != 0, i % 3 == 0), subs / changed / f"{LESSON}.ipynb")  # flip the year
    expected[changed] = (i % 2 != 0) + (i % 3 == 0)

    capsys.readouterr()
    assert main(["grade", "1", str(subs), "--out", str(out), "--jobs", "2", "--timeout", "20"]) == 0
    reused = int(re.search(r"(\d+) unchanged and reused", capsys.readouterr().out).group(1))
    assert reused == len(finished) - 1
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student"] for r in rows] == sorted(expected)
    assert {r["student"]: float(r["total"]) for r in rows} == expected
    assert all(r["status"] == "ok" for r in rows)
