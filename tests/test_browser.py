"""The students' view: every student notebook, run in JupyterLab in a real (headless) browser.

nbval runs notebooks without a browser, so a widget that fails to render, or a
chart whose Chinese labels come out as boxes, passes every other test. Here,
for each notebook in ``notebooks/``:

1. JupyterLab opens it and its kernel starts;
2. Edit → Clear Outputs of All Cells, then Run → Run All Cells, through the menus;
3. every code cell has run, and no cell shows an error or anything on stderr;
4. every widget renders (no "Error displaying widget", no "Loading widget...");
5. in every widget, one control of each kind (slider, dropdown, toggle buttons,
   radio buttons, checkbox, text box, button) is operated, and what the widget
   shows must change each time;
6. the Chinese in the rendered markdown is drawn with real glyphs, not boxes.

One JupyterLab server and one Chromium serve the whole suite. When a test
fails, a screenshot, the browser console and the server log are saved in
``tests/artifacts/`` (or ``$MKTLAB_ARTIFACTS``); the failure message names them.
Set ``MKTLAB_SCREENSHOTS=1`` to save a screenshot of each notebook's first chart
and of its title there too, to look at by eye.

Needs Debian's Chromium (``/usr/bin/chromium``) and the ``playwright`` package
(in the ``test`` extra). Without them the suite is skipped, except when
``CI=true``: then it fails.
"""
import json
import os
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser import lab
from browser import selectors as S

ROOT = Path(__file__).resolve().parent.parent
#: The English and the Chinese student copies; JupyterLab serves a Chinese one as ``zh-<name>``.
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")) + sorted((ROOT / "notebooks" / "zh").glob("[0-9]*.ipynb"))


def served_name(path):
    return f"zh-{path.name}" if path.parent.name == "zh" else path.name
ARTIFACTS = Path(os.environ.get("MKTLAB_ARTIFACTS", ROOT / "tests" / "artifacts"))
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1")
INSTALL_HINT = "install Debian's chromium and fonts-noto-cjk (sudo apt-get install chromium fonts-noto-cjk)"
#: A character that no font has: the glyph check must report it as a box, which shows the check can fail.
NO_SUCH_GLYPH = "\U000F0001"

#: What the notebook tests saw, for the suite-wide check at the end of this file.
SEEN = {"notebooks": set(), "operated": set()}


def _unavailable(reason):
    """Skip with a clear message on a local run; fail under CI, where the browser suite must run."""
    if IN_CI:
        pytest.fail(f"{reason}. CI=true, so the browser suite must run: .ci/run should have installed it.",
                    pytrace=False)
    pytest.skip(f"browser suite skipped: {reason}; to run it, {INSTALL_HINT} and pip install -e '.[test]'")


def _stored_widget_count(path):
    """How many widget views the stored copy of a notebook shows (released copies keep their outputs)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return sum("application/vnd.jupyter.widget-view+json" in out.get("data", {})
               for cell in nb["cells"] if cell["cell_type"] == "code" for out in cell.get("outputs", []))


# --- fixtures: one server and one browser for this module (closed when its tests end, so that an idle
# JupyterLab page does not slow down the rest of the run) ---------------------------------------------

@pytest.fixture(scope="module")
def chromium_ready():
    if not lab.CHROMIUM.exists():
        _unavailable(f"no Chromium at {lab.CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed")


@pytest.fixture(scope="module")
def lab_server(chromium_ready, tmp_path_factory):
    server = lab.LabServer({served_name(p): p for p in NOTEBOOKS}, tmp_path_factory.mktemp("jupyterlab"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(chromium_ready):
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # Debian's Chromium only, never a download
    with sync_playwright() as playwright:
        browser = lab.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab_page(browser, lab_server):
    """One JupyterLab page for the module: each test opens its notebook there and closes it again."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    page.console = lab.Console(page)
    lab.open_lab(page, lab_server)
    yield page
    page.close()


@pytest.fixture
def jlab(lab_page, lab_server):
    """The JupyterLab page, with nothing open; reloaded if an earlier test left it in another state."""
    if lab.needs_reload(lab_page):
        lab.open_lab(lab_page, lab_server)
    lab_page.console.lines.clear()
    yield lab_page
    try:
        lab.close_notebook(lab_page)
    except Exception:
        pass  # the next test reloads the page
    lab_server.shutdown_kernels()


@contextmanager
def artifacts_on_failure(page, console, server, name):
    """On any failure, save a screenshot, the console log and the server log, and say where they are."""
    try:
        yield
    except Exception as exc:
        paths = lab.save_artifacts(page, console, server, ARTIFACTS, name)
        note = "browser artifacts: " + ", ".join(str(p) for p in paths)
        print(note)
        if hasattr(exc, "add_note"):
            exc.add_note(note)
        raise


# --- Chinese in charts (no browser needed) --------------------------------------------------------

def _cjk_font_or_skip():
    from mktlab.plotting import cjk_font

    name = cjk_font()
    if name is None:
        if IN_CI:
            pytest.fail("no CJK font found by matplotlib under CI=true; .ci/run installs fonts-noto-cjk",
                        pytrace=False)
        pytest.skip(f"no CJK font installed: {INSTALL_HINT}")
    return name


def test_chart_with_chinese_labels_uses_a_font_that_has_every_glyph():
    """With fonts-noto-cjk installed, a mktlab chart draws 关系营销 from a font file that has all four glyphs."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from mktlab.plotting import bilingual, new_figure

    name = _cjk_font_or_skip()
    fig, ax = new_figure(figsize=(4, 3))
    label = bilingual("relationship marketing", "关系营销", sep=" ")
    assert label == "relationship marketing 关系营销"
    title = ax.set_title(label)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for each box
        fig.canvas.draw()
    path = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    font = FT2Font(path)
    assert all(font.get_char_index(ord(ch)) != 0 for ch in "关系营销"), (name, path)


def test_without_a_cjk_font_labels_fall_back_to_english(monkeypatch):
    """With no CJK font visible to matplotlib, bilingual() gives the English label alone, and drawing warns nothing."""
    from matplotlib import font_manager

    from mktlab import plotting

    no_cjk = [f for f in font_manager.fontManager.ttflist if f.name not in plotting.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", no_cjk)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    plotting.cjk_font.cache_clear()
    try:
        assert plotting.cjk_font() is None
        assert plotting.bilingual("loyalty", "忠诚") == "loyalty"
        fig, ax = plotting.new_figure(figsize=(3, 2))
        ax.set_title(plotting.bilingual("loyalty", "忠诚"))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.canvas.draw()
    finally:
        plotting.cjk_font.cache_clear()


def test_a_font_installed_after_matplotlibs_cache_is_still_found(monkeypatch):
    """matplotlib's font cache predates the CJK font (it was installed later): cjk_font() still finds it."""
    from matplotlib import font_manager

    from mktlab import plotting

    _cjk_font_or_skip()
    cjk_files = sorted({f.fname for f in font_manager.fontManager.ttflist if f.name in plotting.CJK_FAMILIES})
    stale = [f for f in font_manager.fontManager.ttflist if f.fname not in cjk_files]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    plotting.cjk_font.cache_clear()
    try:
        assert plotting.cjk_font() in plotting.CJK_FAMILIES
    finally:
        plotting.cjk_font.cache_clear()


# --- every student notebook in the browser ---------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[served_name(p)[:-6] for p in NOTEBOOKS])
def test_notebook_in_jupyterlab(notebook, jlab, lab_server, record_property):
    """Run All in JupyterLab: no errors, every widget renders and reacts, and Chinese shows real glyphs.

    In a Chinese copy, the check lines and the widgets' labels and texts are Chinese too, and drawn with real
    glyphs."""
    name = served_name(notebook)
    SEEN["notebooks"].add(name)
    page, console = jlab, jlab.console
    chinese = notebook.parent.name == "zh"
    start = time.monotonic()
    try:
        with artifacts_on_failure(page, console, lab_server, name[:-6]):
            lab.open_notebook(page, name)
            lab.run_all(page)
            prompts = lab.wait_for_run(page, timeout=120_000)

            errors = lab.stderr_outputs(page)
            assert not errors, f"{len(errors)} cell output(s) on stderr or with an error:\n\n" + \
                "\n\n".join(e[-1500:] for e in errors)
            not_run = [i for i, p in enumerate(prompts) if not any(ch.isdigit() for ch in p)]
            assert not not_run, f"code cells {not_run} did not run (prompts {prompts})"

            expected = _stored_widget_count(notebook)
            lab.wait_for_widgets(page)  # they render after the kernel is idle; a broken one is reported below
            shown = lab.widget_outputs(page)
            broken = [w["text"] for w in shown if not w["rendered"]]
            assert not broken, f"widgets that did not render: {broken}"
            assert len(shown) >= expected, f"{len(shown)} widgets shown, the stored notebook has {expected}"

            unchanged = []
            for i, output in enumerate(lab.widget_locators(page)):
                for kind, what, changed in lab.operate_widgets(output):
                    if changed:
                        SEEN["operated"].add(kind)
                    else:
                        unchanged.append(f"widget {i}: {what}")
            assert not unchanged, (
                f"the widget's output did not change after: {unchanged}. An exception in a widget callback "
                "is not shown in the notebook: try the same change in a plain Python session.")
            if chinese:
                _assert_chinese_runtime(page)
            errors = lab.stderr_outputs(page)
            assert not errors, "errors after operating the widgets:\n\n" + "\n\n".join(e[-1500:] for e in errors)

            glyphs = lab.chinese_glyph_check(page, f"{S.MARKDOWN_CELL} {S.RENDERED_MARKDOWN}",
                                             extra=[NO_SUCH_GLYPH])
            assert len(glyphs["checked"]) > 1, "no Chinese in the rendered markdown, but key terms carry it"
            assert glyphs["boxes"] == [NO_SUCH_GLYPH], (
                f"Chinese drawn as boxes in font {glyphs['font']}: {glyphs['boxes'][:-1]}"
                if NO_SUCH_GLYPH in glyphs["boxes"] else "the glyph check cannot tell a box from a glyph")
            if os.environ.get("MKTLAB_SCREENSHOTS"):
                _save_screenshots(page, name[:-6])
    finally:
        record_property("seconds", round(time.monotonic() - start, 1))


def _assert_chinese_runtime(page):
    """The check lines, and the labels and texts of every widget, are Chinese, drawn with real glyphs."""
    import re

    han = re.compile(r"[\u4e00-\u9fff]")
    checks = [t for t in page.locator(S.TOP_OUTPUT).all_inner_texts() if re.match(r"\s*[✔✘…✎] \w+: ", t)]
    assert checks, "no check line found after Run All"
    english = [t for t in checks if not han.search(t)]
    assert not english, f"check lines not in Chinese: {english[:3]}"
    labels = [t.strip() for t in page.locator(f"{S.WIDGET_ROOT} {S.WIDGET_LABEL}").all_inner_texts()]
    english = [t for t in labels if re.search(r"[A-Za-z]{3}", t) and not han.search(t)]
    assert not english, f"widget labels not in Chinese: {english}"
    for output in lab.widget_locators(page):
        shown = output.inner_text()
        assert han.search(shown), f"a widget shows no Chinese: {shown[:200]!r}"
    if lab.widget_locators(page):
        glyphs = lab.chinese_glyph_check(page, S.WIDGET_ROOT, extra=[NO_SUCH_GLYPH])
        assert glyphs["boxes"] == [NO_SUCH_GLYPH], f"widget Chinese drawn as boxes: {glyphs['boxes'][:-1]}"


def _save_screenshots(page, stem):
    """The notebook's title and its first chart, for a person to look at (MKTLAB_SCREENSHOTS=1)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")
    page.locator(S.MARKDOWN_CELL).first.screenshot(path=ARTIFACTS / f"{stem}.title.png")
    charts = page.locator(f"{S.TOP_OUTPUT} img, {S.WIDGET_ROOT} img")
    if charts.count():
        charts.first.scroll_into_view_if_needed()
        charts.first.screenshot(path=ARTIFACTS / f"{stem}.chart.png")


def test_every_kind_of_control_in_the_course_was_operated():
    """Across the notebooks, a slider, a dropdown, buttons and a text box were each operated and changed the output."""
    if SEEN["notebooks"] != {served_name(p) for p in NOTEBOOKS}:
        pytest.skip("checked only when the browser test of every notebook has run in this session")
    missing = [kind for kind, members in S.COURSE_KINDS.items() if not members & SEEN["operated"]]
    assert not missing, f"no {missing} was operated successfully in any notebook"
