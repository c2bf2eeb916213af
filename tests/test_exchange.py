"""The class exchange without root: hand-out, submit, collect and return for the current user in temp folders.

Separation between real Unix users is tested on a real JupyterHub in tests/test_hub.py.
"""
import csv
import hashlib
import json
import os
import stat
import time
from datetime import timedelta

import nbformat
import pytest

from mktlab import exchange
from mktlab.cli import main
from mktlab.exchange import Account, ExchangeError
from mktlab.exercises import Exercises
from submissions import LESSON, ROOT, answer, student_copy


@pytest.fixture
def me(tmp_path):
    """The current user, with a home folder of its own in tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    user = exchange._current_account()
    return Account(user.name, user.uid, user.gid, home)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "exchange"


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def handed_out(root, me):
    states = exchange.handout(ROOT / "notebooks" / f"{LESSON}.ipynb", [me], root)
    return states[me.name][1]


def test_open_lesson_lays_out_the_exchange_and_keeps_the_deadline(root):
    """ROOT and inbound/ may be entered but not listed by others (0751); lessons/ is readable (0755)."""
    when = exchange.open_lesson(root, LESSON, "2026-12-01T23:59+08:00")
    assert when.isoformat() == "2026-12-01T15:59:00+00:00"
    assert exchange.deadline_of(root, LESSON) == when
    assert (mode(root), mode(root / "inbound"), mode(root / "lessons")) == (0o751, 0o751, 0o755)
    exchange.open_lesson(root, LESSON)  # opening again without a deadline removes it
    assert exchange.deadline_of(root, LESSON) is None


def test_a_deadline_without_utc_offset_is_refused(root):
    """A time without its offset is ambiguous: a clear message, and nothing is written."""
    with pytest.raises(ExchangeError, match="UTC offset"):
        exchange.open_lesson(root, LESSON, "2026-12-01T23:59")
    assert not root.exists()


def test_open_lesson_refuses_a_folder_that_holds_other_things(tmp_path):
    """Pointing --exchange at a folder in use (e.g. /home) changes nothing there: its mode stays."""
    busy = tmp_path / "busy"
    busy.mkdir(mode=0o755)
    (busy / "someone").mkdir()
    with pytest.raises(ExchangeError, match="not an exchange"):
        exchange.open_lesson(busy, LESSON)
    assert mode(busy) == 0o755 and sorted(p.name for p in busy.iterdir()) == ["someone"]


def test_handout_copies_the_lesson_once_and_never_overwrites_work(root, me):
    """The first hand-out copies the student notebook (0600) and makes the inbound folder (2750);
    a second hand-out keeps the student's edited copy."""
    target = handed_out(root, me)
    assert target == me.home / "mktlab" / f"{LESSON}.ipynb"
    assert target.read_bytes() == (ROOT / "notebooks" / f"{LESSON}.ipynb").read_bytes()
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert mode(root / "inbound" / me.name) == 0o2750
    target.write_text("my work")
    states = exchange.handout(ROOT / "notebooks" / f"{LESSON}.ipynb", [me], root)
    assert states[me.name][0] == "kept" and target.read_text() == "my work"


def test_handout_refuses_a_symbolic_link_planted_for_the_folder(root, me, tmp_path):
    """~/mktlab as a link to elsewhere is not followed: the hand-out fails for that student only."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (me.home / "mktlab").symlink_to(elsewhere)
    state, _ = exchange.handout(ROOT / "notebooks" / f"{LESSON}.ipynb", [me], root)[me.name]
    assert state.startswith("failed") and not any(elsewhere.iterdir())


def test_each_submission_is_a_new_file_named_by_its_sha256(root, me):
    """Two submissions make two files (0640), each named by the SHA-256 of its content: history is kept."""
    notebook = handed_out(root, me)
    first = exchange.submit(notebook, user=me, root=root)
    notebook.write_text(notebook.read_text().replace('"cells"', '"cells"', 1) + "\n")
    second = exchange.submit(notebook, user=me, root=root)
    assert first.path != second.path and first.path.exists() and second.path.exists()
    for sub in (first, second):
        assert hashlib.sha256(sub.path.read_bytes()).hexdigest() == sub.sha256 and sub.sha256 in sub.path.name
        assert mode(sub.path) == 0o640 and sub.lesson == LESSON
    assert [s.path for s in exchange.submissions(root, LESSON)[me.name]] == [first.path, second.path]
    assert not [p for p in first.path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_submit_refuses_what_it_cannot_take(root, me, tmp_path):
    """Not a notebook, a missing file, no inbound folder: each gets a message saying what to do."""
    handed_out(root, me)
    bad = tmp_path / f"{LESSON}.ipynb"
    bad.write_text("not json")
    with pytest.raises(ExchangeError, match="not a Jupyter notebook"):
        exchange.submit(bad, user=me, root=root)
    with pytest.raises(ExchangeError, match="save it first"):
        exchange.submit(tmp_path / "missing.ipynb", user=me, root=root)
    stranger = Account("nobody_here", me.uid, me.gid, me.home)
    with pytest.raises(ExchangeError, match="ask your instructor to hand out"):
        exchange.submit(handed_out(root, me), user=stranger, root=root)
    assert exchange.submissions(root, LESSON)[me.name] == []


def test_ex_submit_sends_the_saved_session_notebook_and_prints_one_line(root, me, monkeypatch, capsys):
    """In a kernel, ex.submit() finds the notebook through JPY_SESSION_NAME and counts the submissions."""
    notebook = handed_out(root, me)
    monkeypatch.setenv("MKTLAB_EXCHANGE", str(root))
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    monkeypatch.setattr(exchange, "_current_account", lambda: me)
    ex = Exercises(LESSON)
    ex.submit()
    ex.submit()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"✔ submitted {LESSON}.ipynb") and "submission 2." in lines[1]
    assert "Save" in lines[1]


def test_ex_submit_never_raises(monkeypatch, capsys, tmp_path):
    """Without an exchange, ex.submit() prints why on one line instead of raising."""
    monkeypatch.delenv("MKTLAB_EXCHANGE", raising=False)
    monkeypatch.chdir(tmp_path)
    Exercises(LESSON).submit()
    out = capsys.readouterr().out
    assert out.startswith("✘ not submitted: no exchange folder") and out.count("\n") == 1


def test_collect_takes_the_latest_on_time_submission_or_with_late_work_the_latest(root, me, tmp_path):
    """With the deadline between two submissions, the first is graded; with include_late, the second, flagged."""
    notebook = handed_out(root, me)
    first = exchange.submit(notebook, user=me, root=root)
    time.sleep(0.02)
    notebook.write_bytes(notebook.read_bytes() + b"\n")
    second = exchange.submit(notebook, user=me, root=root)
    deadline = first.ctime + (second.ctime - first.ctime) / 2
    flags = exchange.collect(root, LESSON, tmp_path / "on_time", deadline=deadline)
    assert (tmp_path / "on_time" / me.name / f"{LESSON}.ipynb").read_bytes() == first.path.read_bytes()
    assert flags[me.name][0].startswith("submission 1 of 2") and "SHA-256 verified" in flags[me.name]
    flags = exchange.collect(root, LESSON, tmp_path / "late", deadline=deadline, include_late=True)
    assert (tmp_path / "late" / me.name / f"{LESSON}.ipynb").read_bytes() == second.path.read_bytes()
    assert flags[me.name][0].startswith("submission 2 of 2") and "late" in flags[me.name]


def test_collect_leaves_out_late_only_students_and_says_why(root, me, tmp_path):
    """A student whose only submission is late gets an empty folder (missing notebook) and a flag."""
    sub = exchange.submit(handed_out(root, me), user=me, root=root)
    flags = exchange.collect(root, LESSON, tmp_path / "out", deadline=sub.ctime - timedelta(seconds=1))
    assert not any((tmp_path / "out" / me.name).iterdir())
    assert flags[me.name] == ["only late submissions (1), not graded: use --include-late"]


def test_collect_flags_a_changed_file_and_ignores_links_and_temporary_files(root, me, tmp_path):
    """Content that no longer matches its SHA-256 is flagged; a symbolic link to another file is never read."""
    sub = exchange.submit(handed_out(root, me), user=me, root=root)
    sub.path.write_bytes(sub.path.read_bytes() + b" ")
    secret = tmp_path / "secret.ipynb"
    secret.write_text('{"cells": [], "secret": 1}')
    later = exchange.submission_name(LESSON, sub.ctime + timedelta(days=1), "0" * 64)
    (sub.path.parent / later).symlink_to(secret)
    (sub.path.parent / f".{LESSON}.x.part").write_text("half")
    flags = exchange.collect(root, LESSON, tmp_path / "out")
    assert "SHA-256 mismatch: the file changed after submission" in flags[me.name]
    assert b"secret" not in (tmp_path / "out" / me.name / f"{LESSON}.ipynb").read_bytes()


def test_collect_from_a_folder_that_is_no_exchange_says_what_to_do(tmp_path):
    """Grading from an empty folder names the commands that make an exchange."""
    with pytest.raises(ExchangeError, match="run `mktlab exchange open` and `mktlab handout` first"):
        exchange.collect(tmp_path, LESSON, tmp_path / "out")


def test_return_gives_the_page_privately_and_keeps_an_earlier_different_one(me, tmp_path):
    """Returned feedback is 0600; returning the same page again changes nothing; a new page keeps the old one."""
    results = tmp_path / "results"
    (results / "feedback").mkdir(parents=True)
    page = results / "feedback" / f"{me.name}.html"
    page.write_text("<p>first</p>")
    (results / "feedback" / "no_such_user_x.html").write_text("<p>x</p>")
    homes = {me.name: me}

    def home_of(name):
        if name not in homes:
            raise ExchangeError(f"no such user: {name}")
        return homes[name]

    states = exchange.return_feedback(results, LESSON, home_of=home_of)
    target = me.home / "mktlab" / "feedback" / f"{LESSON}.html"
    assert states[me.name] == ("returned", target) and mode(target) == 0o600
    assert states["no_such_user_x"][0] == "failed: no such user: no_such_user_x"
    assert exchange.return_feedback(results, LESSON, [me.name], home_of)[me.name][0] == "unchanged"
    page.write_text("<p>second</p>")
    state, _ = exchange.return_feedback(results, LESSON, [me.name], home_of)[me.name]
    assert state == f"returned (the earlier page is kept as {LESSON}.html.~1~)"
    assert target.read_text() == "<p>second</p>"
    assert target.with_name(f"{LESSON}.html.~1~").read_text() == "<p>first</p>"


def test_command_line_round_trip_grades_from_the_exchange(root, me, tmp_path, monkeypatch, capsys):
    """open, handout, submit (twice), grade --exchange and return through `mktlab`: the gradebook grades
    the latest on-time submission and its flags say so; the feedback page reaches the student."""
    monkeypatch.setattr(exchange, "account", lambda name: me)
    monkeypatch.setattr(exchange, "_current_account", lambda: me)
    assert main(["exchange", "open", "1", "--exchange", str(root), "--deadline", "2999-01-01T00:00+00:00"]) == 0
    assert main(["handout", "01", "--users", me.name, "--exchange", str(root)]) == 0
    notebook = me.home / "mktlab" / f"{LESSON}.ipynb"
    assert main(["submit", str(notebook), "--exchange", str(root)]) == 0
    nbformat.write(answer(student_copy(), "relationship_marketing_coined", "relationship_marketing_coined = 1983"),
                   notebook)
    assert main(["submit", str(notebook), "--exchange", str(root)]) == 0
    out = tmp_path / "results"
    assert main(["grade", "1", "--exchange", str(root), "--out", str(out), "--jobs", "1"]) == 0
    row = next(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    assert (row["student"], row["status"], row["relationship_marketing_coined"]) == (me.name, "ok", "1")
    assert row["flags"].startswith("submission 2 of 2") and "SHA-256 verified" in row["flags"]
    assert main(["return", "1", str(out)]) == 0
    returned = (me.home / "mktlab" / "feedback" / f"{LESSON}.html").read_text(encoding="utf-8")
    assert returned == (out / "feedback" / f"{me.name}.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["grade", "1", str(tmp_path), "--exchange", str(root), "--out", str(out)]) == 2
    assert "one of the two" in capsys.readouterr().err


def test_lesson_metadata_decides_the_lesson_of_a_renamed_copy(root, me, tmp_path):
    """A copy saved as 'Untitled.ipynb' is still submitted under its lesson, read from its metadata."""
    copy = tmp_path / "Untitled.ipynb"
    copy.write_bytes(handed_out(root, me).read_bytes())
    sub = exchange.submit(copy, user=me, root=root)
    assert sub.lesson == LESSON and json.loads(sub.path.read_bytes())["metadata"]["mktlab"]["lesson"] == LESSON
