"""Grading without a hub: unpack an LMS's "download all submissions" ZIP into student folders.

``mktlab grade`` grades ``<folder>/<student>/<notebook>.ipynb``.  Moodle and
Canvas instead give a ZIP whose entry names carry the student, in these forms
(the reference for reading them is nbgrader's ``zip_collect``, which takes a
regular expression from the instructor; here the two formats are built in):

* **Moodle** (Assignment → "Download all submissions"): the full name (with
  ``_`` turned into spaces), the *participant identifier* of that assignment,
  and the submission plugin, as a folder per submission (the default since
  Moodle 3.1, sometimes with a trailing ``_``) or as a prefix of each file::

      Wang Li_1234567_assignsubmission_file/01_marketing_concepts.ipynb
      Wang Li_1234567_assignsubmission_file_01_marketing_concepts.ipynb

* **Canvas** (Assignment → "Download Submissions"): the sortable name,
  lower-cased with everything but letters, digits and ``_`` removed, ``LATE``
  for a late submission, the Canvas user id (``anon_<id>`` under anonymous
  grading), the attachment id and the file's name, which gets ``-1``, ``-2`` …
  when a student uploads a file of the same name again::

      wangli_12345_678901_01_marketing_concepts.ipynb
      smithjohn_LATE_12346_678950_01_marketing_concepts-1.ipynb

Neither holds the LMS *username* that ``lms.csv`` needs, so a roster maps the
identifier to it (:func:`read_roster`): Moodle's grading worksheet
("Identifier", e.g. ``Participant 1234567``, with a "Username" column when the
site shows usernames) or Canvas's gradebook export ("ID", "SIS Login ID").
Without one, a student's folder is named ``<name>_<identifier>``.

The ZIP is read entry by entry and nothing is extracted under its own name:
each notebook is copied, with a size cap, to ``<student>/<file>.ipynb``, so
absolute paths, ``..`` and symbolic links are refused and reported, not
followed.  Files that are not notebooks are reported and flagged.  When a
student has several notebooks, the newest is kept.
"""
from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import N_
from .notes import note

__all__ = ["LmsError", "Unpacked", "parse_entry", "read_roster", "load_roster", "safe_name", "unpack_download"]

_MOODLE = re.compile(r"(?P<name>[^/_]+)_(?P<id>\d+)_assignsubmission_[a-z]+(?:_?/(?:.*/)?|_)(?P<file>[^/]+)")
_CANVAS = re.compile(r"(?:(?P<name>[^/]*?)_)??(?P<late>LATE_)?(?P<id>\d+|anon_[A-Za-z0-9]+)_(?P<attachment>\d+)_"
                     r"(?P<file>[^/]+)")
_RESUBMISSION = re.compile(r"-(\d+)(?=\.ipynb$)", re.I)
_IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|\._)")
#: Roster columns (compared without case): the LMS identifier, and the username for lms.csv.
ID_COLUMNS = ("identifier", "id")
USERNAME_COLUMNS = ("username", "sis login id", "login id")
MARKER = ".mktlab-unpacked"


class LmsError(ValueError):
    """The download or the roster cannot be used; the message says why."""


@dataclass
class Unpacked:
    """What :func:`unpack_download` made: the folder to grade, flags per student, notes for the instructor."""

    folder: Path
    flags: dict = field(default_factory=dict)  # student -> [flag, ...] for the gradebook
    notes: list = field(default_factory=list)  # what was skipped, and why


def parse_entry(name):
    """``(lms, identifier, name, late, order, file)`` from a ZIP entry name, or ``None`` if it is neither format.

    ``order`` ranks several files of one student (Canvas attachment id, then the ``-N`` resubmission suffix).

    Examples
    --------
    >>> parse_entry("Wang Li_1234567_assignsubmission_file/01_marketing_concepts.ipynb")
    ('moodle', '1234567', 'Wang Li', False, (0, 0), '01_marketing_concepts.ipynb')
    >>> parse_entry("王丽_77_assignsubmission_file_01_marketing_concepts.ipynb")[:3]
    ('moodle', '77', '王丽')
    >>> parse_entry("smithjohn_LATE_12346_678950_01_marketing_concepts-1.ipynb")
    ('canvas', '12346', 'smithjohn', True, (678950, 1), '01_marketing_concepts.ipynb')
    >>> parse_entry("anon_x7Kq2_678951_notes.pdf")[:3]
    ('canvas', 'anon_x7Kq2', '')
    >>> parse_entry("readme.txt") is None
    True
    """
    for lms, pattern in (("moodle", _MOODLE), ("canvas", _CANVAS)):
        match = pattern.fullmatch(name)
        if match:
            parts = match.groupdict()
            resubmission = _RESUBMISSION.search(parts["file"])
            order = (int(parts.get("attachment") or 0), int(resubmission.group(1)) if resubmission else 0)
            file = _RESUBMISSION.sub("", parts["file"]) if lms == "canvas" else parts["file"]
            return lms, parts["id"], parts["name"] or "", bool(parts.get("late")), order, file
    return None


def safe_name(text):
    """``text`` as one safe folder or file name: no separators, control characters or leading dots.

    Examples
    --------
    >>> [safe_name(t) for t in ["王 丽", "../../etc", "a/b\\\\c", ".hidden", "\\x00"]]
    ['王 丽', '_.._etc', 'a_b_c', 'hidden', '_']
    """
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", text).strip().lstrip(".")
    return cleaned[:120] or "_"


def read_roster(text):
    """``{identifier: username}`` from a roster CSV: Moodle's grading worksheet or Canvas's gradebook export.

    The identifier column is ``Identifier`` (``Participant 1234567``) or ``ID``;
    the username column is ``Username``, ``SIS Login ID`` or ``Login ID``.
    Rows without both (e.g. Canvas's "Points Possible" row) are skipped.

    Examples
    --------
    >>> read_roster("Identifier,Full name,Username\\nParticipant 1234567,Wang Li,wangli\\n")
    {'1234567': 'wangli'}
    >>> read_roster("Student,ID,SIS User ID,SIS Login ID,Section\\n    Points Possible,,,,\\n"
    ...             "\\"Smith, John\\",12346,S1,jsmith,A\\n")
    {'12346': 'jsmith'}
    >>> read_roster("name,email\\nann,a@x\\n")
    Traceback (most recent call last):
    ...
    mktlab.exercises.lms.LmsError: the roster needs an identifier column (Identifier or ID) and a username column \
(Username, SIS Login ID or Login ID); it has: name, email
    """
    from .csvfile import read_csv

    rows = read_csv(text)
    columns = {c.strip().lower(): c for c in (rows[0] if rows else {})}
    id_column = next((columns[c] for c in ID_COLUMNS if c in columns), None)
    user_column = next((columns[c] for c in USERNAME_COLUMNS if c in columns), None)
    if not id_column or not user_column:
        raise LmsError("the roster needs an identifier column (Identifier or ID) and a username column "
                       f"(Username, SIS Login ID or Login ID); it has: {', '.join(columns.values()) or 'nothing'}")
    roster = {}
    for row in rows:
        identifier = re.search(r"\d+$", row[id_column].strip())
        username = row[user_column].strip()
        if identifier and username:
            roster[identifier.group()] = username
    twice = sorted({u for u in roster.values() if list(roster.values()).count(u) > 1})
    if twice:
        raise LmsError(f"the roster gives several identifiers the same username: {', '.join(twice)}")
    return roster


def load_roster(path):
    """:func:`read_roster` of the file ``path``, in UTF-8 (with or without BOM) or GB18030.

    Excel on a Chinese Windows saves "CSV" in GBK, which GB18030 extends.
    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return read_roster(text)


def _entry_name(info):
    """The entry's name as written: Python reads names not flagged UTF-8 as cp437; try UTF-8, then GB18030."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def _unsafe(name, info):
    """Why extracting ``name`` under its own name would be unsafe, or ``""``."""
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "an absolute path"
    if ".." in name.split("/"):
        return "a path that leaves the folder"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted"
    return ""


def _fresh_folder(folder):
    """Empty ``folder`` for a new unpacking; only a folder this module made is ever removed."""
    folder = Path(folder)
    if folder.exists():
        if not (folder / MARKER).exists():
            raise LmsError(f"{folder} exists and was not made by mktlab: move it away first")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("Unpacked by `mktlab grade` from an LMS download; replaced on every run.\n")
    return folder


def _copy(archive, info, dest, limit):
    """Copy one entry to ``dest``; returns the bytes written, or ``None`` (and no file) if over ``limit`` bytes."""
    written, complete = 0, False
    try:
        with archive.open(info) as source, open(dest, "wb") as target:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    return None
                target.write(chunk)
        complete = True
        return written
    finally:
        if not complete:  # too large, or the entry could not be read: leave nothing half-written
            dest.unlink(missing_ok=True)


def _by_student(archive, roster, notes):
    """``({student: [notebook, …]}, {student: [other file, …]})`` from the ZIP's entries; what is skipped goes to notes.

    A notebook is ``(date_time, order, late, file, ZipInfo)``, so that sorting puts the newest last.
    """
    notebooks, others, unnamed = {}, {}, []
    for info in archive.infolist():
        name = _entry_name(info)
        if info.is_dir() or _IGNORED.search(name):
            continue
        problem = _unsafe(name, info)
        if problem:
            notes.append(f"skipped {name!r}: {problem}")
            continue
        parsed = parse_entry(name)
        if parsed is None:
            unnamed.append(name)
            continue
        lms, identifier, full_name, late, order, file = parsed
        if identifier in roster:
            student = safe_name(roster[identifier])
        else:
            student = safe_name(f"{full_name}_{identifier}" if full_name else identifier)
            if roster:
                notes.append(f"{lms} identifier {identifier} ({full_name or 'anonymous'}) is not in the roster: "
                             f"graded as {student!r}")
        if file.lower().endswith(".ipynb"):
            notebooks.setdefault(student, []).append((info.date_time, order, late, file, info))
        else:
            others.setdefault(student, []).append(file)
    if unnamed:
        notes.append(f"skipped {len(unnamed)} file(s) whose names are not a Moodle or Canvas submission: "
                     + ", ".join(repr(n) for n in unnamed[:5]) + (" …" if len(unnamed) > 5 else ""))
    return notebooks, others


def unpack_download(zip_path, folder, roster=None, max_file_mb=50, max_total_mb=4096, max_entries=50_000):
    """Unpack a Moodle or Canvas submissions ZIP into ``folder``/``<student>``/``<file>.ipynb``.

    ``roster`` is ``{identifier: username}`` (see :func:`read_roster`); a
    student not in it gets a folder named ``<name>_<identifier>``.  Every
    student in the ZIP gets a folder, even without a notebook.  Each notebook
    may hold ``max_file_mb`` (a larger one is skipped and flagged), and all
    together ``max_total_mb``.
    """
    try:
        archive = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as err:
        raise LmsError(f"{zip_path} is not a readable ZIP file ({err})") from None
    unpacked = Unpacked(_fresh_folder(folder))
    notes, total = unpacked.notes, 0
    with archive:
        if len(archive.infolist()) > max_entries:
            raise LmsError(f"{zip_path} has {len(archive.infolist())} entries, more than {max_entries}")
        notebooks, others = _by_student(archive, roster or {}, notes)
        for student in sorted(set(notebooks) | set(others)):
            (unpacked.folder / student).mkdir()
            flags = unpacked.flags[student] = []
            if student in others:
                flags.append(note(N_("not notebooks, ignored: {files}"), files=", ".join(others[student])))
                notes.append(f"{student}: {len(others[student])} file(s) that are not notebooks: "
                             f"{', '.join(others[student])}")
            if student not in notebooks:
                continue
            *older, (_, _, late, file, info) = sorted(notebooks[student], key=lambda n: n[:2])
            if late:
                flags.append(note(N_("late (Canvas)")))
            if older:
                flags.append(note(N_("older submissions ignored ({n})"), n=len(older)))
            try:
                written = _copy(archive, info, unpacked.folder / student / safe_name(file), max_file_mb * 2**20)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
                flags.append(note(N_("notebook in the download unreadable: not graded")))
                notes.append(f"{student}: {file} could not be unpacked ({err})")
                continue
            if written is None:
                flags.append(note(N_("notebook in the download larger than {mb} MB: not graded"), mb=f"{max_file_mb:g}"))
                notes.append(f"{student}: {file} is larger than {max_file_mb:g} MB and was not unpacked")
            total += written or 0
            if total > max_total_mb * 2**20:
                raise LmsError(f"{zip_path} unpacks to more than {max_total_mb:g} MB")
    return unpacked
