"""Building lesson 01 submissions for the grading tests, as a student would fill them in."""
import re
from pathlib import Path

import nbformat

from mktlab.exercises.release import cell_role

ROOT = Path(__file__).resolve().parent.parent
LESSON = "01_marketing_concepts"
ORDER = ["production concept", "product concept", "selling concept", "marketing concept",
         "societal marketing concept", "megamarketing", "relationship marketing"]


def student_copy():
    """The released student copy of lesson 01."""
    return nbformat.read(ROOT / "notebooks" / f"{LESSON}.ipynb", as_version=4)


def answer(nb, qid, source):
    """Put `source` in the answer cell of question `qid`; returns the notebook."""
    for cell in nb.cells:
        if cell_role(cell) == "code" and re.search(rf"^(def )?{qid}\b", cell.source, re.M):
            cell.source = source
            return nb
    raise LookupError(qid)


def chinese_solution(lesson=LESSON):
    """The Chinese student copy answered as the solution answers it, typing the Chinese answer labels."""
    from babel.messages.pofile import read_po

    from mktlab.i18n import catalog_path

    zh = nbformat.read(ROOT / "notebooks" / "zh" / f"{lesson}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    answers = {c.id: c.source for c in solution.cells if cell_role(c) == "answer"}
    with catalog_path(lesson, "zh").open("rb") as handle:
        labels = {m.id: m.string for m in read_po(handle) if m.id and "kind: label" in m.auto_comments}
    for cell in zh.cells:
        if cell.get("id") in answers:
            source = answers[cell.id]
            for english in sorted(labels, key=len, reverse=True):
                for quote in "\"'":
                    source = source.replace(f"{quote}{english}{quote}", f"{quote}{labels[english]}{quote}")
            cell.source = source
    return zh
