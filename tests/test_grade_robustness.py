"""Grading untrusted submissions: each hostile or odd case gets a clear row and harms no other row.

The whole class is graded once, with the command line, two jobs and small
limits (3 s per cell, 8 s per submission, 1 GiB of memory, notebooks up to
3 MB); each test reads its own rows.  A control student with known answers
sits in the same run, to show that the other rows stay correct.
"""
import csv
import json
import os
import re
import uuid
from pathlib import Path

import nbformat
import pytest

from mktlab.cli import main
from mktlab.exercises.grade import _cache_path
from mktlab.exercises.isolation import landlock_abi
from submissions import LESSON, ORDER, ROOT, answer, student_copy

ANSWER_MIME = "application/vnd.mktlab.answer+json"
ESCAPE = Path("/tmp") / f"mktlab-escape-{uuid.uuid4().hex}"
ORPHAN = f"{3000 + uuid.uuid4().int % 1000}.25"  # a sleep the dying kernel leaves behind
LANDLOCK = landlock_abi()


def control(nb=None):
    """Two known answers: concept_order (1 point) and relationship_marketing_coined (1 point)."""
    nb = nb or student_copy()
    answer(nb, "concept_order", f"concept_order = {ORDER!r}")
    answer(nb, "relationship_marketing_coined", "relationship_marketing_coined = 1983")
    return nb


def save(folder, name, nb, filename=f"{LESSON}.ipynb"):
    path = folder / name / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, (str, bytes)):
        path.write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        nbformat.write(nb, path)
    return path


PROBE = '''
import os, socket, json
def _try(f):
    try:
        f()
        return "allowed"
    except Exception as err:
        return "denied"
def _write(path):
    with open(path, "w") as handle:
        handle.write("escaped")
def _grandparent():
    import re
    status = open("/proc/%d/status" % os.getppid()).read() if os.path.exists("/proc/self") else ""
    found = re.search(r"PPid:\\s+(\\d+)", status)
    return int(found.group(1)) if found else os.getppid()
def _connect():
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", 9))
    except ConnectionRefusedError:
        return  # the connection was attempted: not blocked
    finally:
        s.close()
definition_words = {{
    "read solutions": _try(lambda: open({solution!r}).read(1)),
    "read other submission": _try(lambda: open({other!r}).read(1)),
    "read gradebook folder": _try(lambda: os.listdir({out!r})),
    "write gradebook": _try(lambda: _write({out!r} + "/gradebook.csv")),
    "write outside": _try(lambda: _write({escape!r})),
    "list parent": _try(lambda: os.listdir("..")),
    "relative solutions": _try(lambda: open("../../solutions/01_marketing_concepts.ipynb").read(1)),
    "grader environ": _try(lambda: open("/proc/%d/environ" % _grandparent()).read(1)),
    "signal grader": _try(lambda: os.kill(os.getppid(), 0)),
    "tcp connect": _try(_connect),
    "write own folder": _try(lambda: _write("mine.txt")),
    "cwd": os.getcwd(),
    "secret in env": "MKTLAB_TEST_SECRET" in os.environ,
    "home": os.environ.get("HOME") == os.getcwd(),
}}
'''


def build_class(folder, out):
    subs = folder
    save(subs, "control", control())
    save(subs, "control copy", control())  # the same wrong answers twice, for the report

    died = control()
    answer(died, "smoking_campaign", f"import os, subprocess\nsubprocess.Popen(['sleep', '{ORPHAN}'])\nos._exit(3)")
    save(subs, "kernel dies", died)

    hog = control()
    answer(hog, "smoking_campaign", "hog = bytearray(4 * 1024 ** 3)")
    save(subs, "memory hog", hog)

    slow = control()
    for qid in ("firm_concepts", "era_statements", "megamarketing_ps", "smoking_campaign"):
        answer(slow, qid, "import time\ntime.sleep(2.5)")
    save(subs, "slow everywhere", slow)

    stubborn = control()
    answer(stubborn, "firm_concepts", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")
    save(subs, "ignores interrupt", stubborn)

    flood = control()
    answer(flood, "smoking_campaign", "import sys\nsys.stdout.write('x' * 30_000_000)\nfor i in range(100):\n"
           "    print('line' * 25_000)\ndisplay({'text/plain': 'y' * 5_000_000}, raw=True)")
    save(subs, "output flood", flood)

    impostor = student_copy()
    answer(impostor, "relationship_marketing_coined",
           "class Year:\n    def __float__(self): return 1983.0\n    def __int__(self): return 1983\n"
           "    def __index__(self): return 1983\n    def __eq__(self, other): return True\n"
           "    def __str__(self): return '1983'\nrelationship_marketing_coined = Year()")
    answer(impostor, "current_definition",
           "class Text(str):\n    def __eq__(self, other): return True\n    def __str__(self): return '2007'\n"
           "current_definition = Text('2007')")
    answer(impostor, "concept_order", "class Pretend:\n    __class__ = property(lambda self: list)\n"
           "    def __iter__(self): return iter([])\n    def __eq__(self, other): return True\n"
           "concept_order = Pretend()")
    answer(impostor, "megamarketing_ps", "import types\nmegamarketing_ps = types.MappingProxyType({'a': 1})")
    save(subs, "impostor answers", impostor)

    forged = control()
    answer(forged, "firm_concepts", f"""from IPython.display import display
_payloads = {{"concept_order": {{"__unanswered__": True, "x": 1}}, "is_outside_in": {{"__function__": True, "results": [True] * 500}},
             "era_statements": [True] * 500, "relationship_marketing_coined": float("inf"),
             "current_definition": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
             "definition_words": "z" * 400000}}
def _mktlab_capture(qid, cases=None):
    display({{{ANSWER_MIME!r}: {{"qid": qid, "answer": _payloads.get(qid, float("nan"))}}}}, raw=True)
""")
    save(subs, "forged capture", forged)

    patched = student_copy()
    answer(patched, "relationship_marketing_coined", """import sys, builtins
class Sneaky(float):
    def __eq__(self, other): return True
    __hash__ = float.__hash__
check = sys.modules["mktlab.exercises.check"]
check.to_plain = lambda value, _depth=0: value
check.gather = lambda value, cases=None: value if cases is None else {"__function__": True, "results": [True] * len(cases)}
sys.modules["mktlab.exercises.answers"].to_plain = check.to_plain
builtins.isinstance = lambda obj, cls: True
relationship_marketing_coined = Sneaky(1960)
is_outside_in = lambda concept: False
""")
    save(subs, "patched mktlab", patched)

    elsewhere = student_copy()
    answer(elsewhere, "relationship_marketing_coined", "relationship_marketing_coined = 1960\n"
           f"display({{{ANSWER_MIME!r}: {{'qid': 'relationship_marketing_coined', 'answer': 1983}}}}, raw=True)")
    save(subs, "answer shown elsewhere", elsewhere)

    jsonpatch = control()
    answer(jsonpatch, "smoking_campaign", "import json\njson.dumps = lambda *a, **k: '{}'\njson.loads = lambda *a, **k: {}")
    save(subs, "patched json", jsonpatch)

    probe = control()
    answer(probe, "definition_words", PROBE.format(
        solution=str(ROOT / "solutions" / f"{LESSON}.ipynb"), other=str(subs / "control" / f"{LESSON}.ipynb"),
        out=str(out), escape=str(ESCAPE)))
    save(subs, "file probe", probe)

    old = control(student_copy())
    raw = json.loads(nbformat.writes(old))
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        cell.pop("id", None)
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(True)
    raw["cells"].insert(5, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                            "source": "extra = 1"})
    del raw["cells"][1]  # the title cell, locked: restored by content matching of the others
    save(subs, "format 4.4 no ids", json.dumps(raw))
    save(subs, "format 3", nbformat.writes(nbformat.convert(control(), 3)))

    big = control()
    big.cells[3].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "A" * 2_000_000})]
    save(subs, "large notebook", big)
    huge = control()
    huge.cells[3].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "A" * 4_000_000})]
    save(subs, "too large notebook", huge)

    wrong = control()
    wrong.metadata["mktlab"] = {"lesson": "02_marketing_mix"}
    save(subs, "wrong lesson", wrong)
    save(subs, "unrelated notebook", nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]))
    (subs / "empty folder").mkdir()
    save(subs, "several notebooks", control())
    save(subs, "several notebooks", student_copy(), "scratch.ipynb")
    save(subs, "two candidates", control(), "a.ipynb")
    save(subs, "two candidates", control(), "b.ipynb")
    save(subs, "renamed", control(), f"{LESSON} (1).ipynb")
    save(subs, "Wang Li 王力", control())
    (subs / "not a folder.txt").write_text("ignored")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    subs, out = folder / "submissions", folder / "out"
    build_class(subs, out)
    os.environ["MKTLAB_TEST_SECRET"] = "do-not-leak"
    try:
        code = main(["grade", "1", str(subs), "--out", str(out), "--jobs", "2", "--timeout", "3",
                     "--total-timeout", "8", "--memory", "1024", "--max-notebook-mb", "3"])
    finally:
        del os.environ["MKTLAB_TEST_SECRET"]
    assert code == 0
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {r["student"]: r for r in rows}, rows, out


def total(row):
    return float(row["total"])


def test_every_student_folder_has_exactly_one_row(graded):
    """24 folders (the stray file is not one) give 24 distinct rows."""
    by_name, rows, _ = graded
    assert len(rows) == len(by_name) == 24


def test_control_rows_are_unaffected_by_hostile_neighbours(graded):
    """The control students earn exactly their 2 points, status ok, no flags."""
    for name in ("control", "control copy", "Wang Li 王力"):
        row = graded[0][name]
        assert (row["status"], total(row), row["flags"]) == ("ok", 2, "")


def test_a_kernel_that_dies_is_reported_and_earlier_answers_count(graded):
    """os._exit in a cell: status 'kernel died'; the answer captured before it still counts (1 point);
    the process it started is killed with it."""
    row = graded[0]["kernel dies"]
    assert row["status"] == "kernel died"
    assert float(row["concept_order"]) == 1 and float(row["relationship_marketing_coined"]) == 0
    leftovers = [p for p in Path("/proc").glob("[0-9]*/cmdline") if ORPHAN.encode() in _read(p)]
    assert not leftovers


def _read(path):
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_memory_is_capped_per_submission(graded):
    """Asking for 4 GiB under a 1 GiB cap gives status 'memory limit'; the answers before and after still count."""
    row = graded[0]["memory hog"]
    assert row["status"] == "memory limit"
    assert total(row) == 2


def test_many_slow_cells_hit_the_total_time_cap(graded):
    """Four cells of 2.5 s each stay under the 3 s cell limit but exceed 8 s in total: 'time limit'."""
    row = graded[0]["slow everywhere"]
    assert row["status"] == "time limit"
    assert float(row["concept_order"]) == 1  # answered before the cap
    assert float(row["relationship_marketing_coined"]) == 0  # never reached
    assert float(row["seconds"]) < 20


def test_a_cell_that_ignores_interrupts_is_stopped(graded):
    """An endless loop with SIGINT ignored: status 'timeout', the kernel is killed, the grade still ends."""
    row = graded[0]["ignores interrupt"]
    assert row["status"] in ("timeout", "time limit")
    assert float(row["concept_order"]) == 1
    assert float(row["seconds"]) < 20


def test_an_output_flood_is_truncated_and_nothing_huge_is_stored(graded):
    """40 MB of output: flagged as truncated, the answers still count, and the cache entry stays small."""
    rows, _, out = graded
    row = rows["output flood"]
    assert row["status"] == "ok" and total(row) == 2
    assert "output truncated" in row["flags"]
    assert _cache_path(out / ".cache", "output flood").stat().st_size < 50_000
    assert sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) < 5_000_000


def test_impostor_answers_earn_nothing(graded):
    """Objects with odd __eq__/__float__/__str__, a str subclass, a fake __class__ and a proxy: all refused."""
    rows, _, out = graded
    row = rows["impostor answers"]
    for qid in ("relationship_marketing_coined", "current_definition", "concept_order", "megamarketing_ps"):
        assert float(row[qid]) == 0, qid
    page = (out / "feedback" / "impostor answers.html").read_text(encoding="utf-8")
    assert "an object of type Text, which cannot be checked" in page and "an object of type Year" in page


def test_forged_captures_cannot_exploit_the_judge(graded):
    """A replaced _mktlab_capture sending odd plain data (inf, deep nesting, huge lists): 0 for each, no crash.

    Only the answer captured before the forgery (concept_order) counts.  A forged capture can only put
    other plain data in place of an answer, which is judged like any typed answer."""
    row = graded[0]["forged capture"]
    assert row["status"] == "ok" and total(row) == 1
    for qid in ("is_outside_in", "era_statements", "relationship_marketing_coined", "current_definition",
                "definition_words"):
        assert float(row[qid]) == 0, qid


def test_patching_mktlab_sys_modules_and_builtins_in_the_kernel_earns_nothing(graded):
    """A float subclass that equals everything plus patched gather/to_plain/isinstance: judged as 1960, i.e. 0."""
    row = graded[0]["patched mktlab"]
    assert float(row["relationship_marketing_coined"]) == 0
    assert float(row["is_outside_in"]) < 1  # a constant False fails the cases that should be True
    assert total(row) < 1


def test_answers_shown_outside_the_capture_cells_are_ignored(graded):
    """Displaying the right answer in another cell does not replace the variable's wrong value."""
    row = graded[0]["answer shown elsewhere"]
    assert float(row["relationship_marketing_coined"]) == 0


def test_patched_json_in_the_kernel_breaks_only_that_row(graded):
    """Breaking the kernel's JSON: the row ends with a clear status and no points after the break."""
    row = graded[0]["patched json"]
    assert float(row["relationship_marketing_coined"]) == 0
    assert row["status"] in ("ok", "timeout", "time limit", "kernel died") or row["status"].startswith("run failed")


def _probe(out):
    data = json.loads(_cache_path(out / ".cache", "file probe").read_text(encoding="utf-8"))
    return data["result"]["answers"]["definition_words"]


def test_the_kernel_folder_is_private_and_fresh(graded):
    """The kernel's folder is a temporary one, outside the submissions, the output and the repository;
    HOME points there, and the grader's environment does not leak."""
    _, _, out = graded
    probe = _probe(out)
    cwd = probe["cwd"]
    assert not cwd.startswith(str(ROOT)) and not cwd.startswith(str(out.parent))
    assert probe["home"] is True and probe["secret in env"] is False
    assert probe["write own folder"] == "allowed"
    assert probe["relative solutions"] == "denied"


@pytest.mark.skipif(LANDLOCK < 1, reason="this Linux kernel has no Landlock")
def test_landlock_keeps_the_kernel_away_from_other_files(graded):
    """With Landlock: no reading the solutions, other submissions or the output folder, no writing outside."""
    _, _, out = graded
    probe = _probe(out)
    for what in ("read solutions", "read other submission", "read gradebook folder", "write gradebook",
                 "write outside", "list parent", "grader environ"):
        assert probe[what] == "denied", what
    assert not ESCAPE.exists()


@pytest.mark.skipif(LANDLOCK < 6, reason="signal scoping needs Landlock ABI 6")
def test_landlock_stops_signals_and_tcp(graded):
    """With Landlock ABI 6+: the kernel cannot signal the grader, nor open a TCP connection."""
    probe = _probe(graded[2])
    assert probe["signal grader"] == "denied" and probe["tcp connect"] == "denied"


def test_old_notebook_formats_are_matched_by_content(graded):
    """A 4.4 notebook without cell ids (one locked cell deleted, one added) and a format-3 notebook: 2 points each."""
    rows = graded[0]
    old = rows["format 4.4 no ids"]
    assert (old["status"], total(old)) == ("ok", 2)
    assert "locked cell deleted (1, restored)" in old["flags"]
    assert (rows["format 3"]["status"], total(rows["format 3"])) == ("ok", 2)


def test_notebook_size_is_capped(graded):
    """A 2 MB notebook is graded (its outputs are dropped); a 4 MB one exceeds the 3 MB cap."""
    rows = graded[0]
    assert (rows["large notebook"]["status"], total(rows["large notebook"])) == ("ok", 2)
    assert rows["too large notebook"]["status"] == "notebook too large"


def test_a_notebook_of_another_lesson_is_refused(graded):
    """Metadata naming lesson 02, or no cell of lesson 01 at all: status 'wrong lesson', 0 points."""
    for name in ("wrong lesson", "unrelated notebook"):
        row = graded[0][name]
        assert (row["status"], total(row)) == ("wrong lesson", 0), name


def test_folders_without_one_clear_notebook(graded):
    """Empty: 'missing notebook'. Lesson file plus scratch: graded, flagged. Two other names: 'several notebooks'.
    One renamed notebook: graded and flagged."""
    rows = graded[0]
    assert rows["empty folder"]["status"] == "missing notebook"
    several = rows["several notebooks"]
    assert (several["status"], total(several)) == ("ok", 2) and "other notebooks ignored (1)" in several["flags"]
    assert rows["two candidates"]["status"] == "several notebooks"
    renamed = rows["renamed"]
    assert (renamed["status"], total(renamed)) == ("ok", 2) and "graded 01_marketing_concepts (1).ipynb" in renamed["flags"]


def test_names_with_spaces_and_chinese_characters(graded):
    """The folder 'Wang Li 王力' keeps its name in the gradebook, the LMS file and its feedback file."""
    _, _, out = graded
    assert (out / "feedback" / "Wang Li 王力.html").exists()
    assert "Wang Li 王力,2," in (out / "lms.csv").read_text(encoding="utf-8")


def test_report_lists_the_failed_runs_and_common_wrong_answers(graded):
    """report.html names each failed student with the reason, and counts the shared wrong answers."""
    _, _, out = graded
    page = (out / "report.html").read_text(encoding="utf-8")
    for text in ("kernel died", "memory limit", "time limit", "notebook too large", "several notebooks",
                 "wrong lesson", "missing notebook", "<svg", "Most common wrong answers"):
        assert text in page, text
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
