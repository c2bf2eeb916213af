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
