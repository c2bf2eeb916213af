"""Editions: a lesson's text in another language, from one English source and a PO catalog.

The English solution notebook stays the only notebook anyone edits.  What a
student reads is cut into *segments*, each the ``msgid`` of one catalog entry:

* ``text``: a block of a Markdown cell (blocks are separated by blank lines; a
  fenced code block stays whole);
* ``comment``: a comment in a code cell of the student copy;
* ``hint``: the hint of a question (shown by the check);
* ``label``: an answer label the student types (choice options, items to
  order, the keys and values of a matching), so that a student of another
  edition never has to type English; the keys still hash the English labels;
  also the option texts a choice question shows with ``ex.options``;
* ``document``: a block of a case text or teaching note (Markdown files);
* ``runtime`` and ``data``: what the package's own code shows (check lines,
  feedback pages, widgets, charts) and the dataset texts widgets show.

:func:`update_catalog` merges the segments into ``<lesson>.po`` the way
``msgmerge`` does (Babel marks an entry whose English changed as fuzzy, with
its earlier translation kept); :func:`translate_notebook` builds the edition's
student copy from the English one and reports every segment that is missing,
fuzzy or untranslated, naming the cell.
"""
from __future__ import annotations

import copy
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from ..i18n import LANGUAGES, RUNTIME_DOMAIN, catalog_path, finished, translator
from .kinds import labels, protect

__all__ = ["Segment", "markdown_blocks", "segments", "catalog_problems", "update_catalog",
           "translate_notebook", "edition_lessons", "release_editions", "update_catalogs", "status_table", "edition_copy",
           "document_segments", "translate_document",
           "runtime_segments"]

_SKIP_COMMENT = re.compile(r"#+\s*(BEGIN SOLUTION|END SOLUTION|HIDDEN|NBVAL_\w+)\b")
_LETTERS = re.compile(r"[A-Za-z]{3}")
_SETUP = re.compile(r"""Exercises\(\s*(['"])(?P<lesson>[^'"]+)\1\s*\)""")


@dataclass(frozen=True)
class Segment:
    """One translatable text: its English, its kind, where it is for people, and its catalog location."""

    text: str
    kind: str
    where: str
    location: tuple = ("", None)


def markdown_blocks(source):
    """Split Markdown into blocks at blank lines, keeping fenced code blocks whole.

    Examples
    --------
    >>> markdown_blocks("# Title\\n\\nOne line.\\nTwo.\\n\\n```\\na\\n\\nb\\n```")
    ['# Title', 'One line.\\nTwo.', '```\\na\\n\\nb\\n```']
    """
    blocks, current, fenced = [], [], False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                blocks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _comments(source):
    """``(row, column, text)`` of each translatable comment in Python source (none if it does not tokenize)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    found = []
    for tok in tokens:
        if tok.type == tokenize.COMMENT and not _SKIP_COMMENT.match(tok.string):
            text = tok.string.lstrip("#").strip()
            if _LETTERS.search(text):
                found.append((tok.start[0], tok.start[1], text))
    return found


def _translatable(text):
    return bool(_LETTERS.search(text))


def segments(student, specs):
    """Every translatable segment of a released student copy and its question specs, in reading order.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hello\\n\\nRead this."),
    ...                                      nbformat.v4.new_code_cell("x = 1  # the answer")])
    >>> [(s.kind, s.text) for s in segments(nb, {})]
    [('text', '# Hello'), ('text', 'Read this.'), ('comment', 'the answer')]
    """
    from .release import _STUB_NOTE

    lesson = student.metadata.get("mktlab", {}).get("lesson", "lesson")
    found = []
    for number, cell in enumerate(student.cells, start=1):
        where, location = f"cell {number} (id {cell.get('id', '?')})", (f"{lesson}.ipynb#{cell.get('id')}", None)
        if cell.cell_type == "markdown":
            found += [Segment(b, "text", where, location) for b in markdown_blocks(cell.source) if _translatable(b)]
        elif cell.cell_type == "code":
            found += [Segment(text, "comment", where, location) for _, _, text in _comments(cell.source)
                      if text != _STUB_NOTE.lstrip("# ")]
    for qid, spec in specs.items():
        where, location = f"question {qid}", (f"{lesson}.ipynb#{qid}", None)
        hints = [spec.get("hint", "")] + [hint for _, hint in spec.get("mistakes", [])]
        found += [Segment(hint, "hint", where, location) for hint in hints if hint]
        found += [Segment(label, "label", where, location)
                  for label in labels(protect(spec, "")) + spec.get("texts", []) if _translatable(label)]
    return found


def _read(path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        return read_po(handle)


def update_catalog(path, domain, found, language="zh_CN"):
    """Merge ``found`` segments into the catalog at ``path`` (created if missing); returns the catalog.

    New English gets an empty entry; changed English becomes fuzzy, keeping the
    earlier translation for the translator to revise; English that is gone is
    dropped.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = Catalog(project=f"mktlab {domain}", locale=None)
    for seg in found:
        message = template.get(seg.text)
        if message is None:
            template.add(seg.text, locations=[seg.location], auto_comments=[f"kind: {seg.kind}"])
        elif seg.location not in message.locations:
            message.locations.append(seg.location)
    path = Path(path)
    catalog = _read(path) if path.exists() else Catalog(project=f"mktlab {domain}", locale=language)
    template.creation_date = catalog.creation_date  # unchanged English leaves the file unchanged
    catalog.update(template, update_header_comment=False)
    catalog.obsolete.clear()
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=False, omit_header=False)  # Babel wraps "#|" lines: not PO
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
    return catalog


#: How the runtime's own code marks a text for translation: ``tr("…")``, ``self._tr("…")``, ``_("…")``,
#: ``N_("…")``, ``chart_text("…")`` and the engine's ``_invalid("…", tr, …)``.
RUNTIME_KEYWORDS = {"_": None, "N_": None, "gettext": None, "tr": None, "_tr": None, "_invalid": None,
                    "chart_text": None}


def runtime_segments(package_dir):
    """The texts that the package's own code marks for translation (checks, widgets, charts, reports),
    and the dataset texts that widgets show (:data:`mktlab.i18n.DATA_TEXTS`)."""
    from babel.messages.extract import extract_from_dir

    from ..data import load_dataset
    from ..i18n import DATA_TEXTS
    from .release import _STUB_NOTE

    found = [Segment(_STUB_NOTE.lstrip("# "), "runtime", "release.py", ("exercises/release.py", None))]
    for filename, lineno, message, _, _ in extract_from_dir(
            package_dir, method_map=[("**.py", "python")], keywords=RUNTIME_KEYWORDS, comment_tags=()):
        if isinstance(message, str) and message:
            found.append(Segment(message, "runtime", f"{filename}:{lineno}", (filename, None)))
    for name, columns in DATA_TEXTS.items():
        table = load_dataset(name)
        found += [Segment(text, "data", f"{name}.csv, {column}", (f"datasets/{name}.csv#{column}", None))
                  for column in columns for text in table[column].dropna().unique() if re.search("[A-Za-z]", text)]
    return found


def catalog_problems(catalog, found, lesson):
    """One line per segment that has no finished translation in ``catalog`` (missing, fuzzy or empty)."""
    problems = []
    for seg in found:
        message = catalog.get(seg.text)
        if message is None:
            why = "no translation (new or changed English: run `mktlab translate` and translate it)"
        elif message.fuzzy:
            why = "fuzzy (its English changed after it was translated)"
        elif not message.string:
            why = "not translated yet"
        else:
            continue
        excerpt = seg.text if len(seg.text) <= 60 else seg.text[:57] + "..."
        problems.append(f"{lesson}, {seg.where}, {seg.kind}: {why}: {excerpt!r}")
    return problems


def _translate_code(source, tr, language):
    lines = source.split("\n")
    for row, col, text in reversed(_comments(source)):
        lines[row - 1] = lines[row - 1][:col] + "# " + tr(text)
    return _SETUP.sub(lambda m: f'Exercises("{m["lesson"]}", language="{language}")', "\n".join(lines))


def translate_notebook(student, tr, language="zh"):
    """The edition of a released student copy: every segment through ``tr``, the setup cell in ``language``.

    Cell ids, code and outputs stay as they are, so the grader matches cells
    across editions, and the same keys judge both.
    """
    edition = copy.deepcopy(student)
    edition.metadata.setdefault("mktlab", {})["language"] = language
    for cell in edition.cells:
        if cell.cell_type == "markdown":
            blocks = markdown_blocks(cell.source)
            cell.source = "\n\n".join(tr(b) if _translatable(b) else b for b in blocks)
        elif cell.cell_type == "code":
            cell.source = _translate_code(cell.source, tr, language)
    return edition


def edition_lessons(language):
    """The lesson stems that have a catalog in ``language``, i.e. that are part of that edition."""
    if not LANGUAGES.get(language):
        return []  # the source language has no catalogs
    return sorted(p.stem for p in catalog_path("x", language).parent.glob("[0-9][0-9]_*.po"))


def _solution(solutions_dir, lesson):
    """The released English copy of a lesson and its question specs."""
    import nbformat

    from .release import question_specs, release_notebook

    path = Path(solutions_dir) / f"{lesson}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no solution notebook {path}")
    solution = nbformat.read(path, as_version=4)
    student, _ = release_notebook(solution, lesson)
    return student, question_specs(solution)


def edition_copy(student, specs, lesson, language):
    """``(copy, problems)``: the student copy of ``lesson`` in ``language``, and what is untranslated.

    The copy is only meaningful when ``problems`` is empty.
    """
    catalog = _read(catalog_path(lesson, language))
    problems = catalog_problems(catalog, segments(student, specs), lesson)
    table = finished(catalog)
    runtime = translator(language)
    return translate_notebook(student, lambda t: table.get(t) or runtime(t), language), problems


def document_segments(folder):
    """The blocks of every Markdown document in ``folder`` (a case text, a teaching note), as segments."""
    folder = Path(folder)
    return [Segment(block, "document", f"{path.name}, block {number}", (f"{folder.name}/{path.name}", None))
            for path in sorted(folder.glob("*.md"))
            for number, block in enumerate(markdown_blocks(path.read_text(encoding="utf-8")), start=1)
            if _translatable(block)]


def translate_document(text, tr):
    """A Markdown document with every translatable block passed through ``tr``."""
    return "\n\n".join(tr(b) if _translatable(b) else b for b in markdown_blocks(text)) + "\n"


def _in_edition(domain, language):
    return catalog_path(domain, language).is_file()


def update_catalogs(solutions_dir, lessons=(), language="zh", documents=None):
    """Merge new English into the catalogs: of ``lessons`` (default: those in the edition), of the
    ``documents`` folders (``{domain: folder}``) named in ``lessons`` or already in the edition, and of the runtime."""
    documents = documents or {}
    names = {str(l) for l in lessons}
    from .grade import find_lesson_path

    stems = sorted({find_lesson_path(solutions_dir, n).stem for n in names - set(documents)}
                   | set(edition_lessons(language)))
    for lesson in stems:
        found = segments(*_solution(solutions_dir, lesson))
        update_catalog(catalog_path(lesson, language), lesson, found, LANGUAGES[language])
    for domain, folder in documents.items():
        if domain in names or _in_edition(domain, language):
            update_catalog(catalog_path(domain, language), domain, document_segments(folder), LANGUAGES[language])
    package = Path(__file__).resolve().parent.parent
    update_catalog(catalog_path(RUNTIME_DOMAIN, language), RUNTIME_DOMAIN, runtime_segments(package),
                   LANGUAGES[language])


def status_table(solutions_dir, language="zh", documents=None):
    """The audit: per catalog (lessons, documents, runtime) and per kind of text, translated / total;
    and the number of strings left untranslated in what the edition holds."""
    rows, left = [], 0
    domains = [(lesson, lambda lesson=lesson: segments(*_solution(solutions_dir, lesson)))
               for lesson in (p.stem for p in sorted(Path(solutions_dir).glob("[0-9][0-9]_*.ipynb")))]
    domains += [(domain, lambda folder=folder: document_segments(folder)) for domain, folder in (documents or {}).items()]
    domains.append((RUNTIME_DOMAIN, lambda: runtime_segments(Path(__file__).resolve().parent.parent)))
    kinds = ("text", "comment", "hint", "label", "document", "runtime", "data")
    for domain, found in domains:
        path = catalog_path(domain, language)
        catalog = _read(path) if path.exists() else None
        counts = {}
        for seg in found():
            message = catalog.get(seg.text) if catalog else None
            done = bool(message and message.string and not message.fuzzy)
            total, ok = counts.get(seg.kind, (0, 0))
            counts[seg.kind] = (total + 1, ok + done)
        missing = sum(t - o for t, o in counts.values())
        left += missing if catalog else 0
        cells = [f"{counts[k][1]}/{counts[k][0]}" if k in counts else "-" for k in kinds]
        rows.append([domain, *cells, str(missing) if catalog else "not in the edition"])
    header = ["catalog", *kinds, "untranslated"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [header, *rows]]
    return "\n".join(lines), left


def _write_if_changed(target, text, check, stale):
    target = Path(target)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        stale.append(str(target))
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def release_editions(solutions_dir, notebooks_dir, check=False, documents=None):
    """Write ``notebooks/<language>/<lesson>.ipynb`` for every lesson of every edition, and
    ``<folder>/<language>/<name>.md`` for the documents (``{domain: folder}``) in the edition.

    Returns ``(stale, problems)``: the copies that were (or, with ``check``,
    would be) rewritten, and one line per missing, fuzzy or untranslated
    segment.  A lesson or document folder with problems gets no copy written.
    """
    import nbformat

    stale, problems = [], []
    for language in (lang for lang, locale in LANGUAGES.items() if locale):
        runtime = catalog_path(RUNTIME_DOMAIN, language)
        problems += catalog_problems(_read(runtime), runtime_segments(Path(__file__).resolve().parent.parent),
                                     RUNTIME_DOMAIN)
        for lesson in edition_lessons(language):
            student, specs = _solution(solutions_dir, lesson)
            edition, missing = edition_copy(student, specs, lesson, language)
            problems += missing
            if not missing:
                _write_if_changed(Path(notebooks_dir) / language / f"{lesson}.ipynb", nbformat.writes(edition) + "\n",
                                  check, stale)
        for domain, folder in (documents or {}).items():
            if not _in_edition(domain, language):
                continue
            catalog = _read(catalog_path(domain, language))
            missing = catalog_problems(catalog, document_segments(folder), domain)
            problems += missing
            if missing:
                continue
            table = finished(catalog)
            for path in sorted(Path(folder).glob("*.md")):
                text = translate_document(path.read_text(encoding="utf-8"), lambda t: table.get(t, t))
                _write_if_changed(Path(folder) / language / path.name, text, check, stale)
    return stale, problems
