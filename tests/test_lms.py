"""Grading an LMS's "download all submissions" ZIP: Moodle and Canvas naming, rosters, unsafe entries.

The ZIPs are built here in the real naming formats (see mktlab/exercises/lms.py)
around the tiny lesson of ``test_grade_report``, which grades in a second.
"""
import csv
import io
import stat
import zipfile
from contextlib import redirect_stderr, redirect_stdout

import nbformat
import pytest

from mktlab.cli import main
from mktlab.exercises.lms import MARKER, LmsError, unpack_download
from test_grade_report import STEM, solution, student

OLD, NEW = (2026, 11, 1, 9, 0, 0), (2026, 11, 2, 9, 0, 0)


def notebook(year):
    return nbformat.writes(student(year, "Because.")).encode()


def build_zip(path, entries):
    """``entries``: (name, bytes) or (name, bytes, date_time) or (name, target, "symlink")."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, *extra in entries:
            info = zipfile.ZipInfo(name, date_time=extra[0] if extra and extra[0] != "symlink" else OLD)
            if extra == ["symlink"]:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return path


MOODLE = [
    ("Wang Li_1234567_assignsubmission_file/01_tiny.ipynb", notebook(1983)),
    ("Wang Li_1234567_assignsubmission_file/report.pdf", b"%PDF-1.4"),
    ("王丽_1234568_assignsubmission_file/01_tiny.ipynb", notebook(1983)),
    ("Ann Lee_1234569_assignsubmission_file/01_tiny.ipynb", notebook(1960), OLD),
    ("Ann Lee_1234569_assignsubmission_file/01_tiny (2).ipynb", notebook(1983), NEW),
    ("Bo Chen_1234570_assignsubmission_onlinetext/onlinetext.html", b"<p>see attached</p>"),
    ("../../escaped.ipynb", notebook(1983)),
    ("/tmp/absolute.ipynb", notebook(1983)),
    ("Wang Li_1234567_assignsubmission_file/link.ipynb", "/etc/passwd", "symlink"),
    ("__MACOSX/Wang Li_1234567_assignsubmission_file/._01_tiny.ipynb", b"junk"),
]
MOODLE_ROSTER = ("Identifier,Full name,Email address,Username,Status,Grade,Maximum grade\n"
                 "Participant 1234567,Wang Li,wl@example.edu,wangli,Submitted,,3\n"
                 "Participant 1234568,王丽,wl2@example.edu,wang.li2,Submitted,,3\n"
                 "Participant 1234569,Ann Lee,al@example.edu,annlee,Submitted,,3\n"
                 "Participant 1234570,Bo Chen,bc@example.edu,bochen,Submitted,,3\n")
CANVAS = [
    ("wangli_12345_678901_01_tiny.ipynb", notebook(1983)),
    ("wangli_12345_678905_notes.pdf", b"%PDF-1.4"),
    ("王丽_12346_678902_01_tiny.ipynb", notebook(1960)),
    ("smithjohn_LATE_12347_678903_01_tiny.ipynb", notebook(1983)),
    ("leeann_12348_678904_01_tiny.ipynb", notebook(1960), NEW),
    ("leeann_12348_678999_01_tiny-1.ipynb", notebook(1983), NEW),
    ("../wangli_12345_1_01_tiny.ipynb", notebook(1960)),
]
CANVAS_ROSTER = ("Student,ID,SIS User ID,SIS Login ID,Section,Lesson 01 (4501)\n"
                 "    Points Possible,,,,,3\n"
                 '"Wang, Li",12345,S001,wangli,Marketing A,\n'
                 "王丽,12346,S002,wang.li2,Marketing A,\n"
                 '"Smith, John",12347,S003,jsmith,Marketing A,\n'
                 '"Lee, Ann",12348,S004,annlee,Marketing A,\n')


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("lms")
    (root / "solutions").mkdir()
    nbformat.write(solution(), root / "solutions" / f"{STEM}.ipynb")
    return root


def grade(course, name, entries, roster, encoding="utf-8-sig"):
    download = build_zip(course / f"{name}.zip", entries)
    (course / f"{name}.csv").write_text(roster, encoding=encoding)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--solutions", str(course / "solutions"), "grade", "1", str(download), "--out",
                     str(course / name), "--roster", str(course / f"{name}.csv"), "--jobs", "2", "--timeout", "10"])
    assert code == 0, err.getvalue()
    rows = csv.DictReader(open(course / name / "gradebook.csv", newline="", encoding="utf-8"))
    return {r["student"]: r for r in rows}, err.getvalue(), (course / name / "lms.csv").read_text(encoding="utf-8")


def test_moodle_download_grades_to_the_roster_usernames(course):
    """Folders per submission: names with spaces and Chinese map to usernames (the worksheet saved by Excel in
    GBK); the newer of Ann's two notebooks is graded; the PDF, the online text and the unsafe entries are
    reported, never unpacked."""
    rows, err, lms = grade(course, "moodle", MOODLE, MOODLE_ROSTER, encoding="gbk")
    assert set(rows) == {"wangli", "wang.li2", "annlee", "bochen"}
    assert [rows[s]["year"] for s in ("wangli", "wang.li2", "annlee")] == ["1", "1", "1"]
    assert "older submissions ignored (1)" in rows["annlee"]["flags"]
    assert "not notebooks, ignored: report.pdf" in rows["wangli"]["flags"]
    assert rows["bochen"]["status"] == "missing notebook" and "onlinetext.html" in rows["bochen"]["flags"]
    for reported in ("'../../escaped.ipynb': a path that leaves the folder", "'/tmp/absolute.ipynb': an absolute path",
                     "link.ipynb': a symbolic link", "report.pdf"):
        assert reported in err
    assert "__MACOSX" not in err
    unpacked = course / "moodle" / "unpacked"
    assert sorted(p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*.ipynb")) == \
        ["annlee/01_tiny (2).ipynb", "wang.li2/01_tiny.ipynb", "wangli/01_tiny.ipynb"]
    assert not (course / "escaped.ipynb").exists() and not (course.parent / "escaped.ipynb").exists()
    assert lms.splitlines()[1:] == ["annlee,,1 written answer(s) still to be graded.", "bochen,0,0 of 3 points "
                                    "(missing notebook).", "wang.li2,,1 written answer(s) still to be graded.",
                                    "wangli,,1 written answer(s) still to be graded."]


def test_canvas_download_keeps_late_flag_and_newest_resubmission(course):
    """Canvas names (with LATE and a -1 resubmission) map through the gradebook export's ID and SIS Login ID."""
    rows, err, _ = grade(course, "canvas", CANVAS, CANVAS_ROSTER)
    assert set(rows) == {"wangli", "wang.li2", "jsmith", "annlee"}
    assert {s: r["year"] for s, r in rows.items()} == {"wangli": "1", "wang.li2": "0", "jsmith": "1", "annlee": "1"}
    assert "late (Canvas)" in rows["jsmith"]["flags"] and "late" not in rows["wangli"]["flags"]
    assert "older submissions ignored (1)" in rows["annlee"]["flags"]
    assert (course / "canvas" / "unpacked" / "annlee" / "01_tiny.ipynb").is_file()  # the -1 suffix is dropped
    assert "notes.pdf" in rows["wangli"]["flags"] and "a path that leaves the folder" in err


def test_without_a_roster_folders_get_a_readable_safe_name(tmp_path):
    """No roster: <name>_<id> for both formats (Moodle flat names too), and the caller is told nothing matched."""
    moodle = build_zip(tmp_path / "m.zip", [("Wang Li_1234567_assignsubmission_file_01_tiny.ipynb", b"{}"),
                                            ("王丽_1234568_assignsubmission_file_01_tiny.ipynb", b"{}")])
    canvas = build_zip(tmp_path / "c.zip", [("wangli_12345_678901_01_tiny.ipynb", b"{}"),
                                            ("anon_x7Kq2_678902_01_tiny.ipynb", b"{}")])
    found = {}
    for download in (moodle, canvas):
        unpacked = unpack_download(download, tmp_path / download.stem)
        found[download.stem] = sorted(p.relative_to(unpacked.folder).as_posix() for p in unpacked.folder.rglob("*.ipynb"))
    assert found == {"m": ["Wang Li_1234567/01_tiny.ipynb", "王丽_1234568/01_tiny.ipynb"],
                     "c": ["anon_x7Kq2/01_tiny.ipynb", "wangli_12345/01_tiny.ipynb"]}


def test_a_large_notebook_is_not_unpacked_and_a_foreign_folder_is_never_removed(tmp_path):
    """A notebook over the cap leaves no file, only a flag; an existing folder not made by mktlab stops the run."""
    download = build_zip(tmp_path / "d.zip", [("wangli_12345_678901_01_tiny.ipynb", b"x" * 5000)])
    unpacked = unpack_download(download, tmp_path / "unpacked", max_file_mb=0.001)
    assert list((tmp_path / "unpacked" / "wangli_12345").iterdir()) == []
    assert "larger than 0.001 MB" in unpacked.flags["wangli_12345"][0]
    assert (tmp_path / "unpacked" / MARKER).exists()
    unpack_download(download, tmp_path / "unpacked")  # our own folder is replaced
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("precious")
    with pytest.raises(LmsError, match="not made by mktlab"):
        unpack_download(download, tmp_path / "mine")
    assert (tmp_path / "mine" / "keep.txt").read_text() == "precious"


def test_bad_rosters_and_files_get_a_clear_message(course, tmp_path, capsys):
    """A roster without the needed columns, a file that is not a ZIP: exit 2 with the reason."""
    download = build_zip(tmp_path / "d.zip", CANVAS[:1])
    (tmp_path / "roster.csv").write_text("name,email\nann,a@x\n", encoding="utf-8")
    (tmp_path / "not.zip").write_text("hello")
    base = ["--solutions", str(course / "solutions"), "grade", "1"]
    assert main([*base, str(download), "--out", str(tmp_path / "o1"), "--roster", str(tmp_path / "roster.csv")]) == 2
    assert "needs an identifier column" in capsys.readouterr().err
    assert main([*base, str(tmp_path / "not.zip"), "--out", str(tmp_path / "o2")]) == 2
    assert "not a readable ZIP file" in capsys.readouterr().err


def test_a_lesson_with_per_student_options_needs_the_roster(tmp_path, capsys):
    """Lesson 01 shuffles its options per student: without usernames every letter would be judged against the
    wrong order, so the grader refuses and says what to give; nothing is unpacked or written."""
    from submissions import ROOT

    download = build_zip(tmp_path / "d.zip", [("Wang Li_1234567_assignsubmission_file/01_marketing_concepts.ipynb",
                                              (ROOT / "notebooks" / "01_marketing_concepts.ipynb").read_bytes())])
    code = main(["--solutions", str(ROOT / "solutions"), "grade", "01", str(download), "--out", str(tmp_path / "out")])
    assert code == 2 and "give --roster" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
