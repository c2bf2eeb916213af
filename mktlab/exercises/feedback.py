"""A student's feedback report: one readable HTML page, question by question.

It shows the points and the same one-line message that the check gives; it
never shows an answer key or a hidden test case.
"""
from __future__ import annotations

import json
from html import escape

from ..i18n import N_
from .answers import UNANSWERED
from .notes import notes_text
from .variants import option_orders, picked_options

__all__ = ["feedback_html", "answer_text", "STATUS_NOTES"]

#: What each gradebook status means, in words a student can act on.
STATUS_NOTES = {
    "ok": "",
    "timeout": N_("A cell ran longer than the time allowed per cell and was stopped; the cells after it still ran."),
    "time limit": N_("The notebook ran longer than the time allowed in total; the cells after that point did not run."),
    "memory limit": N_("A cell asked for more memory than allowed."),
    "kernel died": N_("The notebook stopped the Python kernel (for example with os._exit or a crash); "
                      "the answers checked before that point still count."),
    "invalid notebook": N_("The file could not be read as a Jupyter notebook."),
    "missing notebook": N_("No notebook was found in your folder."),
    "several notebooks": N_("Your folder holds several notebooks and none has the lesson's file name."),
    "wrong lesson": N_("This notebook belongs to another lesson."),
    "notebook too large": N_("The notebook file is larger than allowed; clear its outputs and hand it in again."),
}
_OTHER_STATUS = N_("The notebook could not be run to the end.")


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:50em;margin:2em auto;line-height:1.5}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ccc;padding:.4em;text-align:left;vertical-align:top}}
.correct{{color:#1a7f37}}.partial,.incorrect,.invalid{{color:#b35900}}.unanswered{{color:#666}}</style></head>
<body><h1>{title}</h1>
<p>{summary}{note}{flags}</p>
<table><tr><th>{question}</th><th>{answer}</th><th>{points}</th><th>{feedback}</th></tr>
{rows}
</table>
<p><small>{footer}</small></p>
</body></html>
"""


def answer_text(answer, key, limit=160):
    """A student's plain answer as short text: numbers to the asked decimals, nothing for a function.

    A function's captured results include its hidden cases, so they are never shown.

    Examples
    --------
    >>> answer_text(22.22222222222222, {"kind": "number", "decimals": 2})
    '22.22'
    >>> answer_text(["a", "b"], {"kind": "choice"}), answer_text({"__unanswered__": True}, {"kind": "order"})
    ('["a", "b"]', '')
    >>> answer_text({"__function__": True, "results": [3]}, {"kind": "function"})
    ''
    """
    kind = key["kind"]
    refused = type(answer) is dict and "__invalid__" in answer
    if answer is None or answer == UNANSWERED or kind == "function" or refused:
        return ""
    if kind == "number" and type(answer) in (int, float):
        return f"{answer:.{key.get('decimals', 0)}f}"
    if type(answer) is dict and "__table__" in answer:
        text = "a table: " + json.dumps(answer.get("data"), ensure_ascii=False)
    else:
        text = json.dumps(answer, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def picked_text(result, lesson, qid, tr=str):
    """The options that ``result``'s letters pick in a choice shuffled per student, in the language of ``tr``; else ``""``.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(stem="01_demo", keys={"q": {"kind": "choice", "texts": ["x", "y", "z"]}, "n": {"kind": "number"}})
    >>> result = NS(variant=0, answers={"q": ["c", "a"], "n": 3})
    >>> picked_text(result, lesson, "q"), picked_text(result, lesson, "n")
    ('x; z', '')
    """
    key = lesson.keys[qid]
    if "texts" not in key:
        return ""
    order = option_orders(lesson.stem, qid, len(key["texts"]))[getattr(result, "variant", None) or 0]
    return tr("; ").join(map(tr, picked_options(key["texts"], order, result.answers.get(qid))))


def feedback_html(result, lesson, tr=str):
    """The HTML report for one :class:`~mktlab.exercises.grade.Result`, in the language of ``tr``.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(stem="01_demo", keys={"q": {"points": 2, "kind": "truefalse"}}, max_points=2)
    >>> result = NS(student="Ann <b>", status="ok", total=1, out_of=2, flags=[], answers={"q": [True, "<i>"]},
    ...             language="en", points={"q": 1}, verdicts={"q": (0.5, "partial", "not yet: 1 of 2 right.")})
    >>> page = feedback_html(result, lesson)
    >>> "Ann &lt;b&gt;" in page and "1 of 2 right" in page and "[true, &quot;&lt;i&gt;&quot;]" in page
    True
    """
    rows = "\n".join(
        f'<tr class="{escape(v[1])}"><td>{escape(q)}</td>'
        f'<td><code>{escape(answer_text(result.answers.get(q), lesson.keys[q]))}</code>'
        f'{escape(f" ({picked})") if (picked := picked_text(result, lesson, q, tr)) else ""}</td>'
        f'<td>{result.points[q]:g} / {lesson.keys[q]["points"]:g}</td>'
        f'<td class="{escape(v[1])}">{escape(v[2])}</td></tr>'
        for q, v in result.verdicts.items())
    flags = " " + escape(tr("Notes: {notes}.").format(notes=notes_text(result.flags, tr))) if result.flags else ""
    note = STATUS_NOTES.get(result.status, _OTHER_STATUS)
    note = f" {escape(tr(note))}" if note else ""
    summary = escape(tr("Status: {status}. Total: {total} of {max} points.")).format(
        status=f"<b>{escape(result.status)}</b>", total=f"<b>{result.total:g}</b>", max=f"<b>{result.out_of:g}</b>")
    title = escape(tr("{lesson}: feedback for {student}").format(lesson=lesson.stem, student=result.student))
    return _PAGE.format(lang="zh-CN" if result.language == "zh" else "en", title=title, summary=summary, note=note,
                        flags=flags, rows=rows, question=escape(tr("Question")), answer=escape(tr("Your answer")),
                        points=escape(tr("Points")), feedback=escape(tr("Feedback")), footer=escape(tr(
                            "\"Correct\" means your answer matched the answer key. Questions that ask for a function "
                            "were also run on test cases that are not shown.")))
