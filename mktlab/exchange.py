"""The class exchange: hand out a lesson, take in submissions, collect them, return feedback.

A room of its own beside the exercise engine: the grader only reads the
``<student>/<lesson>.ipynb`` folders that :func:`collect` lays out for it.
It works with real Unix accounts (one per student, as JupyterHub's
``LocalProcessSpawner`` runs them), so that the operating system, not this
code, keeps students apart.

The four steps
--------------
1. **Hand-out** (:func:`handout`, run by the hub admin as root): the released
   student copy goes to ``~/mktlab/<lesson>.ipynb`` in each student's home,
   written *as that student* (so it is theirs, and a symbolic link planted in
   the home cannot redirect root's writes).  A copy already there is never
   replaced.  The student's inbound folder in the exchange is made too.
2. **Submit** (:func:`submit`, run by the student: ``ex.submit()`` in the
   notebook or ``mktlab submit PATH``): the saved notebook file is written,
   through a temporary name and a hard link that fails if the name exists, to
   ``ROOT/inbound/<student>/<lesson>.<UTC time>.<sha256>.ipynb``.  Nothing is
   ever overwritten: each submission is a new file, so the history stays.
3. **Collect** (:func:`collect`, run by root or an instructor): for each
   student, the latest submission made before the lesson's deadline (or,
   when late work is accepted, the latest one) is copied to
   ``DEST/<student>/<lesson>.ipynb``, with flags for the gradebook.  The
   submission time is the file's *ctime*, which the kernel sets on every
   change and which only root can set back; the time in the file name is the
   student's own claim and is not trusted.  The SHA-256 in the name is
   checked against the content ("SHA-256 verified").
4. **Return** (:func:`return_feedback`, as root): each ``feedback/<student>.html``
   goes to ``~/mktlab/feedback/<lesson>.html``, written as the student, mode
   0600.  An older, different page there is kept under a numbered name.

Permissions (``ROOT`` is ``$MKTLAB_EXCHANGE``, e.g. ``/srv/mktlab/exchange``)
--------------------------------------------------------------------------
=====================================  ===================  =====  ===========================================
path                                   owner:group          mode   who can do what
=====================================  ===================  =====  ===========================================
``ROOT/``                              root:instructors     0751   instructors list; students only pass through
``ROOT/lessons/<lesson>.json``         root:instructors     0644   the deadline; everyone reads
``ROOT/inbound/``                      root:instructors     0751   students cannot list who else is there
``ROOT/inbound/<student>/``            student:instructors  2750   the student writes; instructors read
                                                                   (setgid: new files get the group);
                                                                   no one else may list or enter
``ROOT/inbound/<student>/*.ipynb``     student:instructors  0640   submissions
``~student/mktlab/``                   student:student      0700   hand-outs and feedback, private
``~student/mktlab/feedback/*.html``    student:student      0600   returned feedback
=====================================  ===================  =====  ===========================================

Only root makes the folders in ``ROOT/inbound/``, so no student can take
another's name.  A student can remove their own submissions (they own them),
but can never read, list, change or remove anyone else's.  The collector
opens files without following symbolic links, takes only regular files
owned by the folder's student, and ignores everything else.
"""
from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import re
import secrets
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from .exercises.notes import note
from .i18n import N_

__all__ = ["ExchangeError", "Account", "Submission", "EXCHANGE_ENV", "exchange_root", "account", "valid_user",
           "parse_deadline", "submission_name", "parse_submission_name", "open_lesson", "deadline_of",
           "prepare_student", "handout", "notebook_lesson", "submit", "submissions", "collect", "return_feedback",
           "session_notebook", "submit_line"]

EXCHANGE_ENV = "MKTLAB_EXCHANGE"
MAX_NOTEBOOK_BYTES = 50 * 2**20  #: the grader's default limit; a larger submission is refused
_USER = re.compile(r"[a-z_][a-z0-9_.-]{0,31}\$?")
_LESSON = re.compile(r"\d\d_[A-Za-z0-9_]+")
_NAME = re.compile(r"(?P<lesson>\d\d_[A-Za-z0-9_]+)\.(?P<stamp>\d{8}T\d{12}Z)\.(?P<sha256>[0-9a-f]{64})\.ipynb")
_STAMP = "%Y%m%dT%H%M%S%fZ"


class ExchangeError(Exception):
    """Something the user can fix: the message says what."""


class Account(NamedTuple):
    """A Unix account: name, user id, group id and home folder."""

    name: str
    uid: int
    gid: int
    home: Path


@dataclass
class Submission:
    """One file in a student's inbound folder."""

    student: str
    path: Path
    lesson: str
    sha256: str  #: as the file name says
    ctime: datetime  #: when the file last changed (set by the kernel, trusted)
    verified: bool = False  #: the content's SHA-256 equals the name's (filled in by :func:`collect`)
    late: bool = False
    content: bytes = field(default=b"", repr=False)


# --- names, times and accounts --------------------------------------------------------------


def exchange_root(root=None):
    """The exchange folder: ``root``, or else ``$MKTLAB_EXCHANGE``.

    Examples
    --------
    >>> exchange_root("/srv/mktlab/exchange")
    PosixPath('/srv/mktlab/exchange')
    """
    root = root or os.environ.get(EXCHANGE_ENV)
    if not root:
        raise ExchangeError(f"no exchange folder: give --exchange or set ${EXCHANGE_ENV}")
    return Path(root)


def valid_user(name):
    """``name`` if it is a safe Unix user name, else :class:`ExchangeError`.

    Examples
    --------
    >>> valid_user("wang_li")
    'wang_li'
    >>> valid_user("../etc")
    Traceback (most recent call last):
    ...
    mktlab.exchange.ExchangeError: not a Unix user name: '../etc'
    """
    if not isinstance(name, str) or not _USER.fullmatch(name):
        raise ExchangeError(f"not a Unix user name: {name!r}")
    return name


def _valid_lesson(lesson):
    if not isinstance(lesson, str) or not _LESSON.fullmatch(lesson):
        raise ExchangeError(f"not a lesson file stem: {lesson!r}")
    return lesson


def account(name):
    """The :class:`Account` of Unix user ``name``."""
    try:
        entry = pwd.getpwnam(valid_user(name))
    except KeyError:
        raise ExchangeError(f"no such user: {name}") from None
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def _current_account():
    entry = pwd.getpwuid(os.getuid())
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def _group_id(group):
    if group is None:
        return os.getegid()
    if isinstance(group, int):
        return group
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise ExchangeError(f"no such group: {group} (create it with `groupadd {group}`)") from None


def parse_deadline(text):
    """An ISO 8601 time with its UTC offset, as an aware UTC datetime.

    Examples
    --------
    >>> parse_deadline("2026-12-01T23:59+08:00")
    datetime.datetime(2026, 12, 1, 15, 59, tzinfo=datetime.timezone.utc)
    >>> parse_deadline("2026-12-01T23:59")
    Traceback (most recent call last):
    ...
    mktlab.exchange.ExchangeError: a deadline needs its UTC offset, e.g. 2026-12-01T23:59+08:00
    """
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ExchangeError(f"not an ISO 8601 time: {text!r} (e.g. 2026-12-01T23:59+08:00)") from None
    if when.tzinfo is None:
        raise ExchangeError("a deadline needs its UTC offset, e.g. 2026-12-01T23:59+08:00")
    return when.astimezone(timezone.utc)


def submission_name(lesson, when, sha256):
    """The file name of a submission.

    Examples
    --------
    >>> when = datetime(2026, 12, 1, 15, 59, 30, 123456, tzinfo=timezone.utc)
    >>> submission_name("01_marketing_concepts", when, "ab" * 32)[:51]
    '01_marketing_concepts.20261201T155930123456Z.ababab'
    """
    return f"{_valid_lesson(lesson)}.{when.astimezone(timezone.utc).strftime(_STAMP)}.{sha256}.ipynb"


def parse_submission_name(name):
    """``(lesson, sha256)`` of a submission's file name, or ``None`` for any other file.

    Examples
    --------
    >>> parse_submission_name("01_marketing_concepts.20261201T155930123456Z." + "ab" * 32 + ".ipynb")[0]
    '01_marketing_concepts'
    >>> parse_submission_name(".01_marketing_concepts.x.part") is None
    True
    """
    match = _NAME.fullmatch(name)
    return (match["lesson"], match["sha256"]) if match else None


def _utc(timestamp):
    return datetime.fromtimestamp(timestamp, timezone.utc)


def _show(when):
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


# --- acting as another user ------------------------------------------------------------------


def _as_user(user, func, *args):
    """``func(*args)`` run with the rights of ``user`` (an :class:`Account`); its result must be JSON.

    As root, a forked child drops to the user's ids first, so the files it
    makes are the user's, and it can reach only what the user can.  Otherwise
    ``user`` must be the current user.
    """
    if os.geteuid() != 0 or user.uid == 0:
        if user.uid != os.geteuid():
            raise ExchangeError(f"only root can write into {user.name}'s home")
        return func(*args)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to the user, run, report, exit
        code = 0
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(user.gid)
            os.setuid(user.uid)
            os.umask(0o077)
            reply = {"result": func(*args)}
        except BaseException as err:  # reported to the parent, which raises it
            reply, code = {"error": f"{type(err).__name__}: {err}"}, 1
        try:
            os.write(write, json.dumps(reply).encode())
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    reply = json.loads(data or b'{"error": "the helper process died"}')
    if "error" in reply:
        raise ExchangeError(f"as {user.name}: {reply['error']}")
    return reply["result"]


def _private_dir(path):
    """Make ``path`` (and its parents) as the current user; a symbolic link in its place is refused."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.is_symlink() or not path.is_dir():
        raise ExchangeError(f"{path} is not a folder")
    return path


def _write_new(path, data, mode):
    """Write ``data`` to the new file ``path``; ``False`` if ``path`` exists (it is left alone)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        os.fchmod(handle.fileno(), mode)
    return True


def _read_regular(path, max_bytes=MAX_NOTEBOOK_BYTES):
    """The bytes and stat of the regular file ``path``, never through a symbolic link."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ExchangeError(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            raise ExchangeError(f"{path} is larger than {max_bytes // 2**20} MB")
        return handle.read(max_bytes + 1), info


# --- the instructor: open a lesson, hand out ---------------------------------------------------


def _ensure_dir(path, mode, uid=None, gid=None):
    """Make ``path`` with exactly ``mode`` and owner (when root); refuse a symbolic link."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise ExchangeError(f"{path} is not a folder")
    if os.geteuid() == 0:
        os.chown(path, info.st_uid if uid is None else uid, info.st_gid if gid is None else gid,
                 follow_symlinks=False)
    os.chmod(path, mode)
    return Path(path)


def _layout(root, group):
    gid = _group_id(group)
    root = Path(root)
    if root.is_dir() and not (root / "inbound").is_dir() and any(root.iterdir()):
        raise ExchangeError(f"{root} holds other files and is not an exchange: choose a new or empty folder")
    root.parent.mkdir(parents=True, exist_ok=True)
    _ensure_dir(root, 0o751, uid=0 if os.geteuid() == 0 else None, gid=gid)
    _ensure_dir(root / "lessons", 0o755, gid=gid)
    _ensure_dir(root / "inbound", 0o751, gid=gid)
    return gid


def open_lesson(root, lesson, deadline=None, group=None):
    """Open ``lesson`` for submissions in the exchange ``root``, with an optional deadline.

    Makes the exchange's folders if needed.  ``deadline`` is an ISO 8601 time
    with its UTC offset, or ``None`` for no deadline.  Opening again replaces
    the deadline.  Returns the deadline (UTC) or ``None``.
    """
    _valid_lesson(lesson)
    when = parse_deadline(deadline) if deadline else None
    _layout(root, group)
    data = {"lesson": lesson, "deadline": when.isoformat() if when else None}
    target = Path(root) / "lessons" / f"{lesson}.json"
    tmp = target.with_name(f".{lesson}.{secrets.token_hex(4)}.tmp")
    _write_new(tmp, json.dumps(data).encode(), 0o644)
    os.replace(tmp, target)
    return when


def deadline_of(root, lesson):
    """The deadline of ``lesson`` (aware UTC datetime), or ``None`` when there is none."""
    try:
        data = json.loads((Path(root) / "lessons" / f"{_valid_lesson(lesson)}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise ExchangeError(f"cannot read the deadline of {lesson}: {err}") from None
    return parse_deadline(data["deadline"]) if data.get("deadline") else None


def prepare_student(root, user, group=None):
    """Make the student's inbound folder (mode 2750, the student's, group ``group``); returns it."""
    gid = _layout(root, group)
    return _ensure_dir(Path(root) / "inbound" / valid_user(user.name), 0o2750, uid=user.uid, gid=gid)


def _place_handout(folder, name, data):
    return _write_new(_private_dir(Path(folder)) / name, data, 0o600)


def handout(notebook, users, root=None, group=None):
    """Copy the student notebook ``notebook`` into ``~/mktlab/`` of each user in ``users`` (:class:`Account`).

    A copy already there is kept, never overwritten.  With an exchange
    ``root``, each student's inbound folder is made too.  Returns
    ``{user name: (state, path)}`` with state ``"handed out"``, ``"kept"`` or
    ``"failed: why"``.
    """
    notebook = Path(notebook)
    data = notebook.read_bytes()
    states = {}
    for user in users:
        target = user.home / "mktlab" / notebook.name
        try:
            if root is not None:
                prepare_student(root, user, group)
            placed = _as_user(user, _place_handout, str(target.parent), notebook.name, data)
            states[user.name] = ("handed out" if placed else "kept", target)
        except (ExchangeError, OSError) as err:
            states[user.name] = (f"failed: {err}", target)
    return states


# --- the student: submit -----------------------------------------------------------------------


def notebook_lesson(data, fallback=""):
    """The lesson a notebook's bytes belong to (from its ``mktlab`` metadata), or ``fallback``.

    Examples
    --------
    >>> notebook_lesson(b'{"metadata": {"mktlab": {"lesson": "01_marketing_concepts"}}, "cells": []}')
    '01_marketing_concepts'
    >>> notebook_lesson(b'{"cells": [], "metadata": []}', "02_marketing_mix")
    '02_marketing_mix'
    """
    try:
        nb = json.loads(data)
    except ValueError:
        raise ExchangeError("the file is not a Jupyter notebook (not JSON)") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ExchangeError("the file is not a Jupyter notebook (no cells)")
    meta = nb.get("metadata")
    meta = meta.get("mktlab") if isinstance(meta, dict) else None
    lesson = meta.get("lesson") if isinstance(meta, dict) else None
    return lesson if isinstance(lesson, str) and _LESSON.fullmatch(lesson) else fallback


def submit(path, lesson=None, root=None, user=None):
    """Hand in the notebook file ``path`` for ``lesson``; returns the new :class:`Submission`.

    The lesson defaults to the one in the notebook's metadata, else its file
    stem; the user to the current Unix user.  Each call makes a new file.
    """
    root = exchange_root(root)
    user = user or _current_account()
    try:
        data, _ = _read_regular(path)
    except FileNotFoundError:
        raise ExchangeError(f"no such notebook: {path} (save it first)") from None
    lesson = _valid_lesson(lesson or notebook_lesson(data, Path(path).stem))
    notebook_lesson(data)  # refuses a file that is not a notebook
    inbound = root / "inbound" / valid_user(user.name)
    if not inbound.is_dir():
        raise ExchangeError(f"you have no folder in the exchange {root}; ask your instructor to hand out "
                            f"{lesson} to {user.name}")
    sha256 = hashlib.sha256(data).hexdigest()
    tmp = inbound / f".{lesson}.{secrets.token_hex(8)}.part"
    if not _write_new(tmp, data, 0o640):
        raise ExchangeError(f"could not write in {inbound}")
    try:
        while True:  # a hard link never replaces an existing name
            target = inbound / submission_name(lesson, datetime.now(timezone.utc), sha256)
            try:
                os.link(tmp, target)
                break
            except FileExistsError:
                continue
    finally:
        os.unlink(tmp)
    info = os.lstat(target)
    when = _utc(info.st_ctime)
    deadline = deadline_of(root, lesson)
    return Submission(user.name, target, lesson, sha256, when, verified=True,
                      late=bool(deadline and when > deadline))


def session_notebook(lesson, environ=None, cwd=None):
    """The notebook file a kernel belongs to: ``$JPY_SESSION_NAME`` (set by jupyter-server), else ``<lesson>.ipynb``.

    Examples
    --------
    >>> session_notebook("01_x", {"JPY_SESSION_NAME": "/home/ann/mktlab/01_x.ipynb"})
    PosixPath('/home/ann/mktlab/01_x.ipynb')
    >>> session_notebook("01_x", {}, cwd="/home/ann/mktlab")
    PosixPath('/home/ann/mktlab/01_x.ipynb')
    """
    environ = os.environ if environ is None else environ
    cwd = Path(cwd or os.getcwd())
    name = environ.get("JPY_SESSION_NAME", "")
    if name.endswith(".ipynb"):
        return cwd / name  # an absolute name stays as it is
    return cwd / f"{lesson}.ipynb"


def submit_line(lesson, root=None, environ=None, tr=str):
    """Submit the saved notebook of the running kernel; the one line the student sees, through ``tr``."""
    path = session_notebook(lesson, environ)
    try:
        root = exchange_root(root)
        sub = submit(path, lesson, root)
        count = len(submissions(root, lesson, only=sub.student).get(sub.student, ()))
    except (ExchangeError, OSError) as err:
        return tr("✘ not submitted: {error}").format(error=err)
    late = " " + tr("It is after the deadline, so it is marked late.") if sub.late else ""
    return tr("✔ submitted {name} (the last saved version) at {time}, SHA-256 {sha}; submission {count}.").format(
        name=path.name, time=_show(sub.ctime), sha=sub.sha256[:12], count=count) + late + " " + tr(
        "Save (Ctrl+S) before you submit: unsaved changes are not included.")


# --- the instructor: collect and return ---------------------------------------------------------


def submissions(root, lesson, only=None):
    """``{student: [Submission, …] oldest first}`` in the exchange ``root`` for ``lesson``.

    Only regular files owned by the folder's student, with a submission's
    file name, count; ``only`` limits the search to one student.  Content is
    not read here.
    """
    inbound = Path(root) / "inbound"
    if not inbound.is_dir():
        raise ExchangeError(f"no exchange in {root}: run `mktlab exchange open` and `mktlab handout` first")
    found = {}
    # a student may enter only their own folder, and may not list the others
    folders = [inbound / valid_user(only)] if only else sorted(inbound.iterdir())
    for folder in folders:
        if not _USER.fullmatch(folder.name) or not stat.S_ISDIR(os.lstat(folder).st_mode):
            continue
        owner = os.lstat(folder).st_uid
        rows = found.setdefault(folder.name, [])
        try:
            items = list(os.scandir(folder))
        except PermissionError:
            raise ExchangeError(f"cannot read {folder}: collect as root, or as a member of its group") from None
        for item in items:
            parsed = parse_submission_name(item.name)
            if not parsed or parsed[0] != lesson or not item.is_file(follow_symlinks=False):
                continue
            info = item.stat(follow_symlinks=False)
            if info.st_uid != owner:
                continue
            rows.append(Submission(folder.name, Path(item.path), lesson, parsed[1], _utc(info.st_ctime)))
        rows.sort(key=lambda s: (s.ctime, s.path.name))
    return found


def _describe(chosen, all_subs, deadline):
    flags = [note(N_("submission {number} of {count}, {when}"), number=all_subs.index(chosen) + 1, count=len(all_subs),
                  when=_show(chosen.ctime)),
             note(N_("SHA-256 verified")) if chosen.verified else
             note(N_("SHA-256 mismatch: the file changed after submission"))]
    if chosen.late:
        minutes = (chosen.ctime - deadline).total_seconds() / 60
        flags.append(note(N_("late ({minutes} min after the deadline)"), minutes=f"{minutes:.0f}") if minutes >= 1
                     else note(N_("late")))
    return flags


def collect(root, lesson, dest, include_late=False, deadline=None):
    """Lay out each student's chosen submission as ``dest/<student>/<lesson>.ipynb``; returns their flags.

    The chosen one is the latest made by the deadline, or with
    ``include_late`` the latest of all.  A student with none gets an empty
    folder (the grader reports a missing notebook).  ``deadline`` defaults
    to the one set with :func:`open_lesson`.
    """
    _valid_lesson(lesson)
    deadline = deadline if deadline is not None else deadline_of(root, lesson)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    flags = {}
    for student, subs in submissions(root, lesson).items():
        folder = dest / student
        folder.mkdir(exist_ok=True)
        target = folder / f"{lesson}.ipynb"
        target.unlink(missing_ok=True)
        for sub in subs:
            sub.late = bool(deadline and sub.ctime > deadline)
        usable = [s for s in subs if include_late or not s.late]
        notes = []
        while usable:
            chosen = usable.pop()
            try:
                chosen.content, info = _read_regular(chosen.path)
            except (ExchangeError, OSError) as err:
                notes.append(f"unreadable submission skipped ({type(err).__name__})")
                continue
            chosen.ctime = max(chosen.ctime, _utc(info.st_ctime))
            chosen.late = bool(deadline and chosen.ctime > deadline)
            if chosen.late and not include_late:
                continue
            chosen.verified = hashlib.sha256(chosen.content).hexdigest() == chosen.sha256
            _write_new(target, chosen.content, 0o600)
            notes = _describe(chosen, subs, deadline) + notes
            break
        else:
            late = sum(s.late for s in subs)
            if late and not include_late:
                notes.append(f"only late submissions ({late}), not graded: use --include-late")
            elif not subs:
                notes.append("nothing submitted")
        flags[student] = notes
    return flags


def _place_feedback(folder, name, new):
    folder = _private_dir(Path(folder))
    target = folder / name
    if _write_new(target, new, 0o600):
        return ["returned", str(target)]
    old, _ = _read_regular(target)
    if old == new:
        return ["unchanged", str(target)]
    number = 1
    while True:  # keep the older page under the first free numbered name
        backup = folder / f"{name}.~{number}~"
        try:
            os.link(target, backup, follow_symlinks=False)
            break
        except FileExistsError:
            number += 1
    tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
    _write_new(tmp, new, 0o600)
    os.replace(tmp, target)
    return [f"returned (the earlier page is kept as {backup.name})", str(target)]


def return_feedback(results, lesson, users=None, home_of=None):
    """Give each student their ``results/feedback/<student>.html`` as ``~/mktlab/feedback/<lesson>.html``.

    ``users`` limits it to these names; ``home_of(name)`` gives the
    :class:`Account` (default :func:`account`).  Written as the student, mode
    0600; an earlier, different page is kept under a numbered name.  Returns
    ``{student: (state, path)}``.
    """
    _valid_lesson(lesson)
    home_of = home_of or account
    folder = Path(results) / "feedback"
    if not folder.is_dir():
        raise ExchangeError(f"no feedback folder in {results}: grade the lesson first")
    states = {}
    for page in sorted(folder.glob("*.html")):
        student = page.stem
        if users and student not in users:
            continue
        try:
            user = home_of(student)
            state, where = _as_user(user, _place_feedback, str(user.home / "mktlab" / "feedback"), f"{lesson}.html",
                                    page.read_bytes())
            states[student] = (state, Path(where))
        except (ExchangeError, OSError) as err:
            states[student] = (f"failed: {err}", None)
    return states
