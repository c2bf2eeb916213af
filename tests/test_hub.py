"""The class round trip on a real JupyterHub with real Unix users: no submission lost, no student reads another's.

Two students get lesson 01 (``mktlab handout``), work in their own single-user servers (started through the hub's
REST API, run by ``LocalProcessSpawner`` as their Unix users), and submit from their kernels with ``ex.submit()``:
s1 twice before the deadline, s2 once after it.  The instructor grades from the exchange (``mktlab grade
--exchange``, with and without late work) and returns the feedback (``mktlab return``).  Each student sees only
their own feedback, and s2's attempts to reach s1's work (kernel, shell, s1's server) are refused.

Needs root, node with configurable-http-proxy and /usr/bin/python3.11 (see tests/hub.py); skips without them,
and fails under CI=true.  About a minute with a warm uv cache.
"""
import csv
import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

import hub
from submissions import LESSON, ROOT, answer, student_copy

S1, S2, GROUP = "mktlab-test-s1", "mktlab-test-s2", "mktlab-test-instr"
HANDOUT = f"mktlab/{LESSON}.ipynb"


def mktlab(*args, check=True):
    """Run `python -m mktlab ARGS` as root, as the hub admin would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "mktlab", *args], capture_output=True, text=True, env=env)
    assert not check or done.returncode == 0, done.stdout + done.stderr
    return done


def gradebook(out):
    return {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}


PROBE = """
import os
for what, call in [{cases}]:
    try:
        call()
        print(what, "ALLOWED")
    except PermissionError:
        print(what, "denied")
"""


def probe(kernel, cases):
    """Run each (label, expression) in ``kernel``; returns {label: "denied" or "ALLOWED"}."""
    code = PROBE.format(cases=", ".join(f"({label!r}, lambda: {expr})" for label, expr in cases))
    lines = kernel.run(code).split("\n")
    return dict(line.rsplit(" ", 1) for line in lines if line.strip())


@pytest.fixture(scope="module")
def site():
    """A world-traversable folder for the exchange and the hub's files (pytest's own temp folders are private)."""
    hub.require()
    base = Path(tempfile.mkdtemp(prefix="mktlab-hub-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_class_round_trip_on_jupyterhub(site):
    """Hand-out, submit (one late, one twice), collect + grade, return: every step as the users involved."""
    env = hub.student_env()
    exchange = site / "exchange"
    with hub.unix_users([S1, S2], GROUP):
        mktlab("exchange", "open", "01", "--exchange", str(exchange), "--group", GROUP)
        mktlab("handout", "01", "--users", S1, S2, "--exchange", str(exchange), "--group", GROUP)
        home = {name: Path(pwd.getpwnam(name).pw_dir) for name in (S1, S2)}
        for name in (S1, S2):
            copy = home[name] / HANDOUT
            assert copy.stat().st_uid == pwd.getpwnam(name).pw_uid and stat.S_IMODE(copy.stat().st_mode) == 0o600
        with hub.Hub(site / "hub", env, {"MKTLAB_EXCHANGE": str(exchange)}) as jhub:
            s1, s2 = jhub.start_servers(S1, S2)
            k1, k2 = s1.open(HANDOUT), s2.open(HANDOUT)
            setup = f"from mktlab.exercises import Exercises\nex = Exercises({LESSON!r})\n"

            # s1 submits twice before the deadline; the second version answers one question
            assert k1.run(setup + "ex.submit()").startswith(f"✔ submitted {LESSON}.ipynb")
            nb = answer(student_copy(), "relationship_marketing_coined", "relationship_marketing_coined = 1983")
            s1.save(HANDOUT, json.loads(nbformat.writes(nb)))
            second = k1.run("ex.submit()")
            assert "submission 2." in second and "late" not in second
            assert mktlab("handout", "01", "--users", S1).stdout.startswith(f"{S1}: kept their copy")
            assert "relationship_marketing_coined = 1983" in (home[S1] / HANDOUT).read_text()

            # the instructor sets the deadline; s2 submits after it
            deadline = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=2)
            mktlab("exchange", "open", "01", "--exchange", str(exchange), "--deadline", deadline.isoformat())
            time.sleep(max(0.0, (deadline - datetime.now(timezone.utc)).total_seconds()) + 0.2)
            assert "marked late" in k2.run(setup + "ex.submit()")

            # s2 can neither list, read nor write s1's submissions, nor reach s1's home or server
            s1_dir = exchange / "inbound" / S1
            s1_file = sorted(s1_dir.iterdir())[-1]
            assert s1_file.stat().st_uid == pwd.getpwnam(S1).pw_uid
            assert s1_file.stat().st_gid == grp.getgrnam(GROUP).gr_gid
            cases = [("list inbound", f"os.listdir({str(exchange / 'inbound')!r})"),
                     ("list s1 folder", f"os.listdir({str(s1_dir)!r})"),
                     ("read s1 submission", f"open({str(s1_file)!r}, 'rb').read()"),
                     ("write s1 folder", f"open({str(s1_dir / s1_file.name.replace('.ipynb', '.x.ipynb'))!r}, 'x')"),
                     ("read s1 work", f"open({str(home[S1] / HANDOUT)!r}).read()")]
            assert probe(k2, cases) == {label: "denied" for label, _ in cases}
            assert hub.run_as(S2, ["cat", str(s1_file)]).returncode != 0
            assert s1.request("GET", f"/api/contents/{HANDOUT}", token=s2.token).status_code in (302, 403)
            assert s1.request("GET", f"/api/contents/{HANDOUT}").status_code == 200

            # collect and grade: on time only, then with late work
            out = site / "results"
            mktlab("grade", "01", "--exchange", str(exchange), "--out", str(out), "--jobs", "1")
            book = gradebook(out)
            assert (book[S1]["status"], book[S1]["relationship_marketing_coined"]) == ("ok", "1")
            assert book[S1]["flags"].startswith("submission 2 of 2") and "SHA-256 verified" in book[S1]["flags"]
            assert book[S2]["status"] == "missing notebook" and "only late submissions (1)" in book[S2]["flags"]
            mktlab("grade", "01", "--exchange", str(exchange), "--out", str(out), "--jobs", "1", "--include-late")
            book = gradebook(out)
            assert book[S2]["status"] == "ok" and "late" in book[S2]["flags"].split("; ")

            # return: each student opens their own feedback, and not the other's
            returned = mktlab("return", "01", str(out)).stdout
            assert f"{S1}: returned" in returned and f"{S2}: returned" in returned
            page = f"mktlab/feedback/{LESSON}.html"
            for student, kernel in ((s1, k1), (s2, k2)):
                reply = student.request("GET", f"/api/contents/{page}")
                assert reply.status_code == 200 and student.name in reply.json()["content"]
                assert stat.S_IMODE((home[student.name] / page).stat().st_mode) == 0o600
            assert probe(k2, [("read s1 feedback", f"open({str(home[S1] / page)!r}).read()")]) == {
                "read s1 feedback": "denied"}
            k1.close()
            k2.close()
