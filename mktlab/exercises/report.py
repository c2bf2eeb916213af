"""The class-level outputs of a grading run: the report, the LMS file, hand-graded scores.

* :func:`report_html`: ``OUT/report.html``, one self-contained page (inline SVG
  charts, no scripts, no external files): the score distribution, each
  question's success rate, the most common wrong answers per question (the
  answers are collected as plain data, so identical wrong answers can be
  counted), and the submissions that could not be graded normally, with why.
* :func:`lms_csv`: ``OUT/lms.csv`` for Moodle's gradebook import ("Import →
  CSV file"): ``Username``, one grade column named after the lesson, and
  ``Feedback``.  Map ``Username`` to the user field *username* (so student
  folders must be named by Moodle username) and the grade column to the
  lesson's grade item; map ``Feedback`` to that item's feedback, or ignore it.
* :func:`read_manual_scores`, :func:`apply_manual_scores` and
  :func:`manual_scores_csv`: ``OUT/manual_scores.csv``, where the instructor
  enters points for written answers; the next run merges them.

All three CSV files are written through :mod:`.csvfile`, so text a student
controls never runs as a formula in a spreadsheet.
"""
from __future__ import annotations

from collections import Counter
from html import escape

from ..i18n import N_
from .csvfile import csv_text, read_csv
from .feedback import answer_text, picked_text
from .kinds import Verdict
from .notes import notes_text

__all__ = ["report_html", "lms_csv", "read_manual_scores", "apply_manual_scores", "manual_scores_csv",
           "wrong_answers", "status_counts", "copied_pairs", "shared_wrong_answers"]

_GRADED_BY_HAND = N_("graded by your instructor: {points} of {max} points.")


# --- hand-graded questions --------------------------------------------------------


def read_manual_scores(text):
    """``{(student, question): points-as-text}`` from the text of ``manual_scores.csv``.

    Examples
    --------
    >>> read_manual_scores("student,question,points,max,answer\\nann,essay,1.5,2,Because...\\nbo,essay,,2,x\\n")
    {('ann', 'essay'): '1.5', ('bo', 'essay'): ''}
    """
    return {(r.get("student", ""), r.get("question", "")): r.get("points", "").strip() for r in read_csv(text)}


def apply_manual_scores(results, lesson, scores, translator=lambda language: str):
    """Merge the instructor's points into ``results`` (in place); returns a list of problems found.

    A pending question with a number between 0 and its points becomes graded;
    anything else entered is reported and left pending.  ``translator(language)``
    gives the translator of a student's edition, for the line their feedback shows.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(keys={"essay": {"kind": "manual", "points": 2}})
    >>> r = NS(student="ann", verdicts={"essay": Verdict(0, "pending", "saved")}, points={"essay": 0})
    >>> apply_manual_scores([r], lesson, {("ann", "essay"): "1.5"})
    []
    >>> r.points["essay"], r.verdicts["essay"].state
    (1.5, 'partial')
    """
    problems = []
    for result in results:
        for qid, verdict in list(result.verdicts.items()):
            if lesson.keys[qid]["kind"] != "manual" or verdict[1] != "pending":
                continue
            entered = scores.get((result.student, qid), "")
            if not entered:
                continue
            maximum = lesson.keys[qid]["points"]
            try:
                points = float(entered)
                if not 0 <= points <= maximum:
                    raise ValueError
            except ValueError:
                problems.append(f"{result.student} / {qid}: {entered!r} is not a number from 0 to {maximum:g}")
                continue
            fraction = points / maximum if maximum else 1.0
            state = "correct" if fraction >= 1 else "partial" if fraction > 0 else "incorrect"
            message = translator(getattr(result, "language", "en"))(_GRADED_BY_HAND)
            result.verdicts[qid] = Verdict(fraction, state, message.format(points=f"{points:g}", max=f"{maximum:g}"))
            result.points[qid] = round(points, 3)
    return problems


def manual_scores_csv(results, lesson, scores):
    """The scores file to fill in: one row per written answer, keeping what was already entered."""
    manual = [q for q, k in lesson.keys.items() if k["kind"] == "manual"]
    rows = [["student", "question", "points", "max", "answer"]]
    for result in results:
        for qid in manual:
            answer = result.answers.get(qid) if hasattr(result, "answers") else None
            if not isinstance(answer, str) or not answer.strip():
                continue
            rows.append([result.student, qid, scores.get((result.student, qid), ""),
                         f"{lesson.keys[qid]['points']:g}", answer])
    return csv_text(rows)


# --- the LMS file -----------------------------------------------------------------------


def lms_csv(results, lesson, tr=str):
    """Grades for Moodle's CSV import: ``Username``, the lesson's total, ``Feedback``.

    A row with questions still to grade by hand has an empty grade (Moodle then
    records no grade); a student without a notebook gets 0.  A student whose
    maximum is smaller (questions added since their copy was released are
    excused) gets the total scaled to the lesson's maximum.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(stem="01_demo", max_points=9)
    >>> rows = [NS(student="ann", status="ok", total=7.5, out_of=9, pending=[], flags=[]),
    ...         NS(student="bo", status="missing notebook", total=0, out_of=9, pending=[], flags=[]),
    ...         NS(student="cy", status="ok", total=4, out_of=6, pending=[], flags=[])]
    >>> print(lms_csv(rows, lesson))
    Username,01_demo,Feedback
    ann,7.5,7.5 of 9 points.
    bo,0,0 of 9 points (missing notebook).
    cy,6,4 of 6 points.
    <BLANKLINE>
    """
    rows = [["Username", lesson.stem, "Feedback"]]
    for r in results:
        if r.pending:
            rows.append([r.student, "", tr("{n} written answer(s) still to be graded.").format(n=len(r.pending))])
            continue
        grade = r.total * lesson.max_points / r.out_of if r.out_of else r.total
        text = (tr("{total} of {max} points.") if r.status == "ok" else tr("{total} of {max} points ({status}).")
                ).format(total=f"{r.total:g}", max=f"{r.out_of:g}", status=r.status)
        rows.append([r.student, f"{round(grade, 3):g}", text])
    return csv_text(rows)


# --- the class report ---------------------------------------------------------------------


def status_counts(results):
    """``{status: count}``, most common first.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> status_counts([NS(status="ok"), NS(status="timeout"), NS(status="ok")])
    {'ok': 2, 'timeout': 1}
    """
    return dict(Counter(r.status for r in results).most_common())


def _answer_text(r, lesson, qid, tr=str, options=True):
    """``r``'s answer to ``qid`` as the report shows it; with ``options``, a shuffled choice as the options it picks
    (in the language of ``tr``), so that the same options in different students' letters count together."""
    answer, verdict, key = r.answers.get(qid), r.verdicts[qid], lesson.keys[qid]
    if key["kind"] == "function" or verdict[1] == "invalid" or answer is None:
        return verdict[2][:160]
    return (options and picked_text(r, lesson, qid, tr)) or answer_text(answer, key)


def wrong_answers(results, lesson, top=3, tr=str):
    """``{qid: [(answer text, count), …]}``: the most common answers that did not earn full points.

    Numbers are rounded to the decimals the question asks for, so near-equal wrong answers count together.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(keys={"year": {"kind": "number"}})
    >>> rows = [NS(answers={"year": y}, verdicts={"year": Verdict(int(y == 1983), "x", "")})
    ...         for y in (1960, 1960, 1983, 1985)]
    >>> wrong_answers(rows, lesson)
    {'year': [('1960', 2), ('1985', 1)]}
    >>> lesson = NS(keys={"share": {"kind": "number", "decimals": 2}})
    >>> rows = [NS(answers={"share": s}, verdicts={"share": Verdict(0, "incorrect", "")})
    ...         for s in (22.22222222222222, 22.2249, 0.5)]
    >>> wrong_answers(rows, lesson)
    {'share': [('22.22', 2), ('0.50', 1)]}
    """
    found = {}
    for qid, key in lesson.keys.items():
        counts = Counter()
        for r in results:
            verdict = r.verdicts.get(qid)
            if verdict is None or verdict[0] >= 1 or verdict[1] in ("unanswered", "pending"):
                continue
            counts[_answer_text(r, lesson, qid, tr)] += 1
        found[qid] = counts.most_common(top)
    return found


def copied_pairs(results, lesson, tr=str):
    """``[(student, qid, answer text, [(variant, [holders])…])…]``: answers wrong for their own variant
    but right for another student's variant (see :func:`mktlab.exercises.grade.copied_from`).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(keys={"clv": {"kind": "number", "decimals": 0}})
    >>> rows = [NS(student="ann", variant=3, copied={}, answers={"clv": 120}, verdicts={"clv": (1, "correct", "")}),
    ...         NS(student="bob", variant=5, copied={"clv": [3]}, answers={"clv": 120},
    ...            verdicts={"clv": (0, "incorrect", "")})]
    >>> copied_pairs(rows, lesson)
    [('bob', 'clv', '120', [(3, ['ann'])])]
    """
    holders = {}
    for r in results:
        if getattr(r, "variant", None) is not None:
            holders.setdefault(r.variant, []).append(r.student)
    def shown(r, qid):  # the letters themselves are the evidence; the options they pick follow
        letters, picked = _answer_text(r, lesson, qid, options=False), picked_text(r, lesson, qid, tr)
        return f"{letters} ({picked})" if picked else letters
    return [(r.student, qid, shown(r, qid), [(v, [s for s in holders.get(v, []) if s != r.student]) for v in variants])
            for r in results for qid, variants in getattr(r, "copied", {}).items()]


def shared_wrong_answers(results, lesson, tr=str):
    """``{qid: [(answer text, [students])…]}``: the same wrong answer from two or more students, when it is
    unusual (given by at most a quarter of the class, or by two students).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(keys={"year": {"kind": "number"}})
    >>> rows = [NS(student=s, answers={"year": y}, verdicts={"year": Verdict(0, "incorrect", "") if y != 1983 else
    ...                                                        Verdict(1, "correct", "")})
    ...         for s, y in zip("abcdefgh", (1961, 1961, 1983, 1983, 1983, 1983, 1983, 1985))]
    >>> shared_wrong_answers(rows, lesson)
    {'year': [('1961', ['a', 'b'])]}
    """
    found = {}
    for qid, key in lesson.keys.items():
        if key["kind"] == "manual":
            continue
        groups = {}
        for r in results:
            verdict = r.verdicts.get(qid)
            if verdict is None or verdict[0] >= 1 or verdict[1] not in ("incorrect", "partial"):
                continue
            groups.setdefault(_answer_text(r, lesson, qid, tr), []).append(r.student)
        limit = max(2, len(results) // 4)
        shared = [(text, students) for text, students in groups.items() if 2 <= len(students) <= limit]
        if shared:
            found[qid] = shared
    return found


def _svg_bars(labels, values, maximum, width=640, bar=18, unit="", color="#3b6ea8"):
    """A horizontal bar chart as inline SVG."""
    label_w, gap = 200, 6
    height = len(labels) * (bar + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = gap + i * (bar + gap)
        w = 0 if not maximum else (width - label_w - 60) * value / maximum
        parts.append(f'<text x="{label_w - 6}" y="{y + bar * 0.75:.1f}" text-anchor="end" font-size="12">'
                     f'{escape(str(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar * 0.75:.1f}" font-size="12">'
                     f'{value:g}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_histogram(totals, max_points, axis="points", width=640, height=180):
    """Columns: how many students scored in each band of points."""
    whole = 0 < max_points <= 20 and float(max_points).is_integer()
    bins = int(max_points) + 1 if whole else 10  # whole points: one column per score, the last is full marks
    step = 1 if whole else (max_points / bins if max_points else 1)
    counts = [0] * bins
    for t in totals:
        counts[min(bins - 1, int(t / step)) if step else 0] += 1
    top = max(counts) or 1
    col = (width - 40) / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 36}" role="img">']
    for i, n in enumerate(counts):
        h = (height - 20) * n / top
        x = 30 + i * col
        mid = x + col / 2
        parts.append(f'<rect x="{x + 2:.1f}" y="{height - h:.1f}" width="{col - 4:.1f}" height="{h:.1f}" '
                     'fill="#3b6ea8"/>')
        if n:
            parts.append(f'<text x="{mid:.1f}" y="{height - h - 4:.1f}" text-anchor="middle" font-size="12">{n}</text>')
        low = i * step
        label = f"{low:g}" if step == 1 else f"{low:.3g}–{low + step:.3g}"
        parts.append(f'<text x="{mid:.1f}" y="{height + 16}" text-anchor="middle" font-size="11">{escape(label)}</text>')
    parts.append(f'<text x="{width / 2}" y="{height + 32}" text-anchor="middle" font-size="12">{escape(axis)}</text></svg>')
    return "".join(parts)


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:60em;margin:2em auto;line-height:1.5;
padding:0 1em}}table{{border-collapse:collapse;margin:.5em 0 1.5em}}
td,th{{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}}
td.n{{text-align:right}}code{{font-size:90%;background:#f4f4f4;padding:0 .2em}}.muted{{color:#666}}</style></head>
<body><h1>{title}</h1>
{body}
</body></html>
"""


def _header(*names):
    return "<tr>" + "".join(f"<th>{escape(n)}</th>" for n in names) + "</tr>"


def report_html(results, lesson, isolation=None, tr=str, language="en"):
    """The class report as one self-contained HTML page, its own words through ``tr`` (see :mod:`mktlab.i18n`).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> lesson = NS(stem="01_demo", max_points=2, keys={"q": {"kind": "number", "points": 2, "decimals": 0}})
    >>> rows = [NS(student="<ann>", status="ok", total=2, flags=[], points={"q": 2}, answers={"q": 3},
    ...            verdicts={"q": (1, "correct", "correct")})]
    >>> page = report_html(rows, lesson)
    >>> "1 student folder(s); 1 with a notebook" in page and "<ann>" not in page
    True
    """
    from .feedback import STATUS_NOTES

    n = len(results)
    graded = [r for r in results if r.status != "missing notebook"]
    totals = sorted(r.total for r in graded)
    body = []
    mean = sum(totals) / len(totals) if totals else 0
    median = (totals[(len(totals) - 1) // 2] + totals[len(totals) // 2]) / 2 if totals else 0
    body.append("<p>" + tr("{n} student folder(s); {graded} with a notebook. Mean {mean}, median {median} of {max} "
                           "points.").format(n=n, graded=len(graded), mean=f"<b>{mean:.2f}</b>",
                                             median=f"<b>{median:g}</b>", max=f"{lesson.max_points:g}") + "</p>")
    if isolation:
        body.append('<p class="muted">' + escape(tr("Isolation of the kernels: {isolation}.").format(
            isolation=isolation)) + "</p>")
    body.append("<h2>" + escape(tr("Status")) + "</h2><table>" + _header(tr("status"), tr("students")))
    body += [f"<tr><td>{escape(s)}</td><td class=n>{c}</td></tr>" for s, c in status_counts(results).items()]
    body.append("</table>")
    body.append("<h2>" + escape(tr("Score distribution")) + "</h2>")
    body.append(_svg_histogram(totals, lesson.max_points, tr("points")) if totals else
                "<p>" + escape(tr("No notebook was graded.")) + "</p>")

    body.append("<h2>" + escape(tr("Questions")) + "</h2><p>"
                + escape(tr("Share of the students with a notebook who earned full points (a question added after "
                            "a student's copy was released, and excused, does not count for that student).")) + "</p>")
    labels, rates, rows = [], [], []
    for qid, key in lesson.keys.items():
        counted = [r for r in graded if qid in r.verdicts]
        states = Counter(r.verdicts[qid][1] for r in counted)
        full = sum(1 for r in counted if r.verdicts[qid][0] >= 1)
        mean_q = sum(r.points.get(qid, 0) for r in counted) / len(counted) if counted else 0
        rate = round(100 * full / len(counted), 1) if counted else 0
        labels.append(qid)
        rates.append(rate)
        rows.append(f"<tr><td><code>{escape(qid)}</code></td><td>{escape(key['kind'])}</td>"
                    f"<td class=n>{mean_q:.2f} / {key['points']:g}</td><td class=n>{rate:g}%</td>"
                    f"<td class=n>{states.get('partial', 0)}</td><td class=n>{states.get('incorrect', 0)}</td>"
                    f"<td class=n>{states.get('invalid', 0)}</td><td class=n>{states.get('unanswered', 0)}</td>"
                    f"<td class=n>{states.get('pending', 0)}</td></tr>")
    body.append(_svg_bars(labels, rates, 100, unit="%"))
    body.append("<table>" + _header(tr("question"), tr("kind"), tr("mean points"), tr("full points"), tr("partial"),
                                    tr("wrong"), tr("invalid"), tr("unanswered"), tr("pending")))
    body += rows
    body.append("</table>")

    body.append("<h2>" + escape(tr("Most common wrong answers")) + "</h2><p>"
                + escape(tr("Answers that did not earn full points, as collected (for functions, the judge's "
                            "message).")) + "</p>")
    common = wrong_answers(results, lesson, tr=tr)
    for qid, answers in common.items():
        if not answers:
            continue
        body.append(f"<h3><code>{escape(qid)}</code></h3><table>" + _header(tr("answer"), tr("students")))
        body += [f"<tr><td><code>{escape(text)}</code></td><td class=n>{count}</td></tr>" for text, count in answers]
        body.append("</table>")
    if not any(common.values()):
        body.append("<p>" + escape(tr("None.")) + "</p>")

    body.append("<h2>" + escape(tr("Copying")) + "</h2><p>" + escape(tr(
        "Answers that are wrong for the student's own values but right for another variant: whose values they are "
        "is listed with the evidence. In a choice question, the values are the order of the options; its letters "
        "are listed only when luck cannot explain them. Identical unusual wrong answers follow. Both are clues to "
        "talk about with the students, not proof.")) + "</p>")
    pairs = copied_pairs(results, lesson, tr=tr)
    if pairs:
        body.append("<table>" + _header(tr("student"), tr("question"), tr("answer"), tr("right for the values of")))
        for student, qid, text, sources in pairs:
            whose = "; ".join(tr("{students} (variant {variant})").format(
                students=", ".join(names) or tr("nobody in this class"), variant=v) for v, names in sources)
            body.append(f"<tr><td>{escape(student)}</td><td><code>{escape(qid)}</code></td>"
                        f"<td><code>{escape(text)}</code></td><td>{escape(whose)}</td></tr>")
        body.append("</table>")
    else:
        body.append("<p>" + escape(tr("No answer is right for another student's values.")) + "</p>")
    shared = shared_wrong_answers(results, lesson, tr=tr)
    body.append("<h3>" + escape(tr("Identical unusual wrong answers")) + "</h3>")
    if shared:
        body.append("<table>" + _header(tr("question"), tr("answer"), tr("who")))
        body += [f"<tr><td><code>{escape(qid)}</code></td><td><code>{escape(text)}</code></td>"
                 f"<td>{escape(', '.join(students))}</td></tr>" for qid, found in shared.items() for text, students in found]
        body.append("</table>")
    else:
        body.append("<p>" + escape(tr("None.")) + "</p>")

    trouble = [r for r in results if r.status != "ok"]
    body.append("<h2>" + escape(tr("Submissions that did not run normally")) + "</h2>")
    if trouble:
        body.append("<table>" + _header(tr("student"), tr("status"), tr("why")))
        body += [f"<tr><td>{escape(r.student)}</td><td>{escape(r.status)}</td>"
                 f"<td>{escape(notes_text(r.flags, tr) or tr(STATUS_NOTES.get(r.status, '')))}</td></tr>" for r in trouble]
        body.append("</table>")
    else:
        body.append("<p>" + escape(tr("None: every notebook ran to the end.")) + "</p>")
    flagged = [r for r in results if r.status == "ok" and r.flags]
    if flagged:
        body.append("<h2>" + escape(tr("Notes on submissions that ran")) + "</h2><table>" + _header(tr("student"),
                                                                                               tr("notes")))
        body += [f"<tr><td>{escape(r.student)}</td><td>{escape(notes_text(r.flags, tr))}</td></tr>" for r in flagged]
        body.append("</table>")
    return _PAGE.format(lang="zh-CN" if language == "zh" else "en", body="\n".join(body),
                        title=escape(tr("{lesson}: class report").format(lesson=lesson.stem)))
