"""The Chinese edition: complete catalogs, the course's terms, and a build that fails on drift."""
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from babel.messages.pofile import read_po

from mktlab import i18n
from mktlab.data import load_dataset
from mktlab.exercises.translate import (catalog_problems, edition_lessons, markdown_blocks, release_editions,
                                        segments, translate_notebook)

ROOT = Path(__file__).resolve().parent.parent
LESSONS = edition_lessons("zh")
#: Glossary terms too general to demand one Chinese rendering wherever the English word appears.
GENERAL = {"market", "demand", "marketer", "exchange", "value", "service", "need", "loyalty", "trust", "commitment"}


def _catalog(domain):
    with i18n.catalog_path(domain, "zh").open("rb") as handle:
        return read_po(handle)


def _terms():
    """``(pattern, English, Chinese names)`` for each specific glossary term."""
    glossary = load_dataset("glossary")
    terms = []
    for row in glossary.itertuples():
        english = re.sub(r"\s*\(.*?\)", "", row.term_en).strip()
        if english.lower() in GENERAL or len(english) < 3:
            continue
        names = [row.term_zh.split("（")[0]] + [a.strip() for a in str(row.aliases).split(";")
                                               if re.search(r"[\u4e00-\u9fff]", a)]
        terms.append((re.compile(rf"(?<![\w-]){re.escape(english)}(?![\w-])", re.I), english, names))
    return terms


def test_the_edition_has_lessons_01_to_04():
    """Issue 11: lessons 01-04 are in the Chinese edition."""
    assert {"01_marketing_concepts", "02_marketing_mix", "03_relationship_vs_transaction",
            "04_relationship_levels"} <= set(LESSONS)


@pytest.mark.parametrize("domain", [*LESSONS, i18n.RUNTIME_DOMAIN])
def test_catalog_is_complete_and_not_fuzzy(domain):
    """Every entry of an edition's catalog has a translation and none is fuzzy."""
    catalog = _catalog(domain)
    unfinished = [m.id[:60] for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert unfinished == []


@pytest.mark.parametrize("lesson", LESSONS)
def test_translations_use_the_glossary_terms(lesson):
    """Wherever an English text uses a glossary term, its Chinese text uses the glossary's Chinese term
    (or keeps the English, as references do)."""
    wrong = []
    for message in _catalog(lesson):
        if not message.id or not message.string:
            continue
        for pattern, english, names in _terms():
            if pattern.search(message.id) and not pattern.search(message.string) \
                    and not any(name in message.string for name in names):  # kept in English: a reference
                wrong.append(f"{english} -> {names[0]}: {message.id[:50]!r}")
    assert wrong == []


@pytest.mark.parametrize("lesson", LESSONS)
def test_translations_keep_numbers_and_code(lesson):
    """Numbers and inline code (`...`) of the English survive in the Chinese text (answer labels in Chinese)."""
    catalog = _catalog(lesson)
    labels = {m.id: m.string for m in catalog if m.id and "kind: label" in m.auto_comments}
    lost = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        for code in re.findall(r"`([^`]+)`", message.id):
            typed = re.findall(r"[\"']([^\"']*)[\"']", code)
            if typed and all(t in labels and labels[t] in message.string for t in typed):
                continue  # answer labels the student types (alone or in a list), shown in Chinese
            if code not in message.string and re.fullmatch(r"[\w.()\[\]\"', =+\-*/<>!]+", code):
                lost.append(f"`{code}` in {message.id[:40]!r}")
        for number in re.findall(r"(?<![\w.])\d[\d,.]*\d(?![\w.])", message.id):
            if number not in message.string and number.replace(",", "") not in message.string:
                lost.append(f"{number} in {message.id[:40]!r}")
    assert lost == []


def test_markdown_blocks_round_trip():
    """A cell made of blocks is rebuilt from them (blank lines normalised to one)."""
    source = "# T\n\nA\nB\n\n\n```\nx\n\ny\n```\n\n| a | b |\n| - | - |"
    assert "\n\n".join(markdown_blocks(source)) == source.replace("\n\n\n", "\n\n")


@pytest.mark.parametrize("lesson", LESSONS)
def test_chinese_copy_reads_chinese(lesson):
    """Each Markdown cell of the Chinese copy holds Chinese, and the setup cell chooses Chinese."""
    nb = nbformat.read(ROOT / "notebooks" / "zh" / f"{lesson}.ipynb", as_version=4)
    assert nb.metadata["mktlab"]["language"] == "zh"
    english = nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", as_version=4)
    assert [c.get("id") for c in nb.cells] == [c.get("id") for c in english.cells]
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"[A-Za-z]{4}", cell.source):
            assert re.search(r"[\u4e00-\u9fff]", cell.source), cell.source[:80]
    setup = [c.source for c in nb.cells if "Exercises(" in c.source]
    assert setup and 'language="zh"' in setup[0]


def test_changed_english_fails_the_check_and_names_the_cell(tmp_path):
    """Changing one English cell (in a copy) makes the edition's check fail, naming lesson and cell."""
    lesson = LESSONS[0]
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nb = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## "))
    cell.source = cell.source.replace("## ", "## Changed: ", 1)
    nbformat.write(nb, solutions / f"{lesson}.ipynb")
    for other in LESSONS[1:]:
        shutil.copy(ROOT / "solutions" / f"{other}.ipynb", solutions)
    stale, problems = release_editions(solutions, tmp_path / "notebooks", check=True)
    mine = [p for p in problems if p.startswith(lesson)]
    assert len(mine) == 1 and f"(id {cell.id})" in mine[0] and "Changed:" in mine[0]


def test_untranslated_segment_is_reported():
    """A catalog without an entry reports the segment, its kind and cell."""
    from babel.messages.catalog import Catalog

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Hello there", id="abc")])
    found = segments(nb, {})
    assert catalog_problems(Catalog(), found, "01_x") == [
        "01_x, cell 1 (id abc), text: no translation (new or changed English: run `mktlab translate` "
        "and translate it): 'Hello there'"]


def test_translate_notebook_keeps_code_and_translates_comments():
    """Code stays identical; only comments and the setup cell's language change."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('ex = Exercises("01_x")\nx = "# not a comment"  # the answer')])
    out = translate_notebook(nb, {"the answer": "答案"}.get)
    assert out.cells[0].source == 'ex = Exercises("01_x", language="zh")\nx = "# not a comment"  # 答案'


def test_runtime_translations_keep_their_placeholders():
    """Every {placeholder} of a runtime or hint text is in its translation, and no other."""
    wrong = []
    for domain in [i18n.RUNTIME_DOMAIN, *LESSONS]:
        for message in _catalog(domain):
            kind = " ".join(message.auto_comments)
            if message.id and message.string and ("runtime" in kind or "hint" in kind):
                if set(re.findall(r"\{\w*\}", message.id)) != set(re.findall(r"\{\w*\}", message.string)):
                    wrong.append(message.id[:60])
    assert wrong == []


def test_check_lines_and_hints_speak_chinese():
    """In the Chinese edition the check line, the hint and the options are Chinese; the keys are the same."""
    from mktlab.exercises import Exercises

    ex = Exercises(LESSONS[0], language="zh")
    try:
        assert "尚未作答" in ex.verdict("concept_order", {})[2]
        fraction, state, message = ex.verdict("megamarketing_ps", {"megamarketing_ps": ["a"]})
        assert state == "incorrect" and message.startswith("还不对") and re.search(r"[\u4e00-\u9fff]{4}", message)
    finally:
        i18n.set_language("en")


def test_chinese_labels_are_judged_with_the_english_keys():
    """A matching answered with the Chinese labels scores like the English one."""
    from mktlab.exercises import Exercises
    from submissions import ORDER

    labels = {m.id: m.string for m in _catalog(LESSONS[0]) if m.id and "kind: label" in m.auto_comments}
    en, zh = Exercises(LESSONS[0]), Exercises(LESSONS[0], language="zh")
    try:
        assert en.verdict("concept_order", {"concept_order": ORDER})[1] == "correct"
        assert zh.verdict("concept_order", {"concept_order": [labels[x] for x in ORDER]})[1] == "correct"
        assert zh.verdict("concept_order", {"concept_order": [labels[x] for x in ORDER[::-1]]})[1] == "incorrect"
    finally:
        i18n.set_language("en")


def test_a_class_mixing_both_editions_gets_one_gradebook(tmp_path):
    """Chinese solution: full marks; untouched Chinese copy: zero; English solution: full marks; one gradebook,
    each student's feedback page in the language of that student's notebook, and the instructor's report and
    Moodle file in the language the instructor asked for."""
    import csv

    from mktlab.cli import main
    from submissions import chinese_solution

    lesson = LESSONS[0]
    notebooks = {"zh full": chinese_solution(lesson),
                 "zh untouched": nbformat.read(ROOT / "notebooks" / "zh" / f"{lesson}.ipynb", as_version=4),
                 "en full": nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)}
    for student, nb in notebooks.items():
        (tmp_path / "in" / student).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "in" / student / f"{lesson}.ipynb")
    assert main(["grade", lesson, str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "2",
                 "--language", "zh"]) == 0
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "out" / "gradebook.csv").open(encoding="utf-8-sig"))}
    assert rows["zh full"]["total"] == rows["zh full"]["max"] == rows["en full"]["total"]
    assert float(rows["zh untouched"]["total"]) == 0
    assert rows["zh full"]["flags"] == ""
    zh_page = (tmp_path / "out" / "feedback" / "zh full.html").read_text(encoding="utf-8")
    en_page = (tmp_path / "out" / "feedback" / "en full.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in zh_page and "正确" in zh_page and "总分" in zh_page
    assert 'lang="en"' in en_page and "correct" in en_page and "总分" not in en_page
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")  # the instructor asked for Chinese
    assert 'lang="zh-CN"' in report and "分数分布" in report and "Score distribution" not in report
    lms = (tmp_path / "out" / "lms.csv").read_text(encoding="utf-8-sig")
    assert "分。" in lms and "points" not in lms


def test_jupyterlab_finds_the_simplified_chinese_language_pack():
    """The `zh` extra installs JupyterLab's official zh_CN language pack (Settings → Language)."""
    import tomllib

    from jupyterlab_server.translation_utils import get_language_packs

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["zh"]
    assert any(dep.startswith("jupyterlab-language-pack-zh-CN") for dep in extra)
    packs, _ = get_language_packs("en")
    assert "zh_CN" in packs


def test_merging_unchanged_english_leaves_the_catalog_unchanged_and_changed_english_fuzzy(tmp_path):
    """A second merge of the same English writes the same bytes; changed English becomes fuzzy, keeping the
    earlier translation for the translator."""
    from mktlab.exercises.translate import Segment, update_catalog

    path = tmp_path / "x.po"
    found = [Segment("The customer is always right.", "text", "cell 1", ("x.ipynb#a", None))]
    catalog = update_catalog(path, "x", found)
    catalog.get("The customer is always right.").string = "顾客永远是对的。"
    from babel.messages.pofile import write_po

    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)
    before = path.read_bytes()
    update_catalog(path, "x", found)
    assert path.read_bytes() == before
    changed = update_catalog(path, "x", [Segment("The customer is usually right.", "text", "cell 1",
                                                 ("x.ipynb#a", None))])
    message = changed.get("The customer is usually right.")
    assert message.fuzzy and message.string == "顾客永远是对的。"
    lines = path.read_text(encoding="utf-8").splitlines()  # standard PO lines only, which any PO editor reads
    assert all(re.match(r'(#[.:,]? |#$|msgid |msgstr |msgctxt |"|$)', line) for line in lines), lines


DOCUMENTS = {"casework": ROOT / "casework", "teaching_notes": ROOT / "solutions" / "teaching_notes"}


@pytest.mark.parametrize("domain", sorted(DOCUMENTS))
def test_every_case_text_and_teaching_note_has_a_complete_chinese_version(domain):
    """Each Markdown document has a Chinese version generated from its catalog, block for block."""
    from mktlab.exercises.translate import document_segments

    folder = DOCUMENTS[domain]
    catalog = _catalog(domain)
    assert catalog_problems(catalog, document_segments(folder), domain) == []
    for path in sorted(folder.glob("*.md")):
        chinese = (folder / "zh" / path.name).read_text(encoding="utf-8")
        english_blocks = markdown_blocks(path.read_text(encoding="utf-8"))
        assert len(markdown_blocks(chinese)) == len(english_blocks), path.name
        assert len(re.findall(r"[\u4e00-\u9fff]", chinese)) > len(re.findall(r"[A-Za-z]", chinese)), path.name


#: ASCII punctuation touching a Chinese character: Chinese prose takes the full-width forms (，；：？！).
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;:?!]|[,;:?!][\u4e00-\u9fff]")


def _prose(text):
    """``text`` without code blocks and inline code, where ASCII punctuation belongs."""
    return re.sub(r"```.*?```|`[^`]*`", "", text, flags=re.S)


def test_chinese_prose_uses_full_width_punctuation():
    """Every Chinese text a student reads: the edition's Markdown, its documents, and the datasets' Chinese columns."""
    import pandas as pd

    texts = [(path.name, c.source) for path in sorted((ROOT / "notebooks" / "zh").glob("*.ipynb"))
             for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
    texts += [(path.name, path.read_text(encoding="utf-8")) for folder in DOCUMENTS.values()
              for path in sorted((folder / "zh").glob("*.md"))]
    texts += [(path.name, value) for path in sorted((ROOT / "datasets").glob("*.csv"))
              for column, values in pd.read_csv(path, dtype=str).items() if column.endswith("_zh")
              for value in values.dropna()]
    bad = [(name, found.group(0)) for name, text in texts for found in HALF_WIDTH.finditer(_prose(text))]
    assert bad == []
    assert HALF_WIDTH.search("损失?") and not HALF_WIDTH.search(_prose("用 `a, b` 计算"))


def test_grading_notes_read_in_the_language_of_the_page():
    """Every note the grader can write on a submission has its Chinese, found back from the English note."""
    from mktlab.exercises.notes import TEMPLATES, note, notes_text, translate_note

    tr = i18n.translator("zh")
    for template in TEMPLATES:
        english = note(template, **{name: "7" for name in re.findall(r"\{(\w+)\}", template)})
        chinese = translate_note(english, tr)
        assert re.search(r"[\u4e00-\u9fff]", chinese) and chinese != english, \
            (template, chinese)
    assert notes_text(["late", "cells raised errors (2)"], tr) == "迟交；有单元格运行出错（2 个）"
