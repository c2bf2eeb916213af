"""The grader's notes on a submission (a result's ``flags``): English in the gradebook, the reader's language on pages.

Each note is made with :func:`note` from one of :data:`TEMPLATES`, so that
:func:`translate_note` can find its template again and say it in the language
of a feedback page or of the class report.  A note made otherwise stays as it is.
"""
from __future__ import annotations

import re

from ..i18n import N_

__all__ = ["TEMPLATES", "note", "translate_note", "notes_text"]

TEMPLATES = (
    N_("earlier release {release}"),
    N_("earlier release {release} (missing: {questions})"),
    N_("locked cell deleted ({n}, restored)"),
    N_("locked cell edited ({n}, restored)"),
    N_("set up for another student ({declared}); graded with the values of {student}"),
    N_("the answers fit the example options and values (variant 0) better: {example} of {max} with them, "
       "and the notebook sets no username"),
    N_("cells raised errors ({n})"),
    N_("a cell ignored the interrupt; the rest was not run"),
    N_("output truncated (kept {kb} KB)"),
    N_("memory limit reached"),
    N_("other notebooks ignored ({n})"),
    N_("graded {path}"),
    N_("unreadable ({error})"),
    N_("not notebooks, ignored: {files}"),
    N_("late (Canvas)"),
    N_("older submissions ignored ({n})"),
    N_("notebook in the download unreadable: not graded"),
    N_("notebook in the download larger than {mb} MB: not graded"),
    N_("submission {number} of {count}, {when}"),
    N_("SHA-256 verified"),
    N_("SHA-256 mismatch: the file changed after submission"),
    N_("late ({minutes} min after the deadline)"),
    N_("late"),
)
#: The templates as patterns, the longest first, so that "earlier release {release} (missing: …)" is not read as
#: "earlier release {release}".
_PATTERNS = [(re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(t)), re.S), t)
             for t in sorted(TEMPLATES, key=len, reverse=True)]


def note(template, **args):
    """A note from one of :data:`TEMPLATES`.

    Examples
    --------
    >>> note("cells raised errors ({n})", n=2)
    'cells raised errors (2)'
    """
    assert template in TEMPLATES, template
    return template.format(**args)


def translate_note(text, tr):
    """``text`` (a note) in the language of ``tr``; a note of no known template comes back unchanged.

    Examples
    --------
    >>> zh = {"cells raised errors ({n})": "有单元格出错（{n} 个）"}.get
    >>> translate_note("cells raised errors (2)", lambda t: zh(t, t)), translate_note("custom", str)
    ('有单元格出错（2 个）', 'custom')
    >>> translate_note("earlier release r1 (missing: essay)", {"earlier release {release} (missing: {questions})":
    ...                "较早的版本 {release}（缺少：{questions}）"}.get)
    '较早的版本 r1（缺少：essay）'
    """
    for pattern, template in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return tr(template).format(**found.groupdict())
    return text


def notes_text(flags, tr):
    """The notes ``flags`` as one line in the language of ``tr``."""
    return tr("; ").join(translate_note(flag, tr) for flag in flags)
