"""Lessons 05-09 in the Chinese edition: every widget and chart a student sees speaks the notebook's language.

Each widget is built with the language set to Chinese, operated through its
controls, and everything it shows (control descriptions, options, text and
tables) must hold Chinese and no English word that is not code or a name.
The charts are checked the same way.  In English nothing changes.
"""
import os
import re

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from mktlab import i18n
from mktlab import incentives, loyalty, plotting, recovery, services
from mktlab.widgets.incentives import bonus_explorer
from mktlab.widgets.loyalty import clv_explorer
from mktlab.widgets.recovery import policy_explorer, role_play
from mktlab.widgets.services import gap_explorer

# A pretended CJK font draws boxes in PNGs; what is checked here is the text, not the glyphs.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Names and symbols that stay in Latin letters in the Chinese edition.
NAMES = {"SERVQUAL", "BG/NBD", "CLV"}


def english_words(text):
    """The English words of ``text`` outside HTML tags and ``<code>``, ignoring names and one-letter symbols.

    >>> english_words("<p class='x'>保留率 <b>r</b> = 0.8, see <code>mktlab.recovery</code> and the SERVQUAL</p>")
    ['and', 'see', 'the']
    """
    text = re.sub(r"<code>.*?</code>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]+(?:/[A-Za-z]+)*", text) if w not in NAMES and len(w) > 1})


def shown_texts(widget):
    """Every text a widget shows: descriptions, option labels, HTML and button captions, children included."""
    texts = []
    if getattr(widget, "description", ""):
        texts.append(widget.description)
    texts += [str(label) for label in getattr(widget, "_options_labels", ())]
    if type(widget).__name__ == "HTML":
        texts.append(widget.value)
    for child in getattr(widget, "children", ()):
        texts += shown_texts(child)
    return texts


def assert_chinese(texts):
    """Each text with letters is Chinese: it has Chinese characters and no untranslated English word."""
    wordy = [t for t in texts if re.search("[A-Za-z]{2}", re.sub(r"<[^>]*>", "", t)) or CJK.search(t)]
    assert wordy, "nothing to check"
    english = {t[:70]: english_words(t) for t in wordy if english_words(t) or not CJK.search(t)}
    assert english == {}


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    try:
        yield
    finally:
        i18n.set_language("en")


@pytest.fixture
def font(monkeypatch):
    """Pretend a CJK font is installed, so that charts take their text from the catalog."""
    monkeypatch.setattr(plotting, "use_cjk_font", lambda: "any CJK font")


@pytest.fixture
def blank_charts(monkeypatch):
    """Widgets show a blank figure instead of their chart (the charts are tested below), which keeps these
    tests fast; returns the titles the widgets asked their charts for."""
    titles = []

    def blank(*args, title=None, **kwargs):
        titles.append(title)
        return Figure(figsize=(1, 1))

    for chart in ("loyalty.clv_retention_chart", "services.gap_chart", "incentives.scheme_chart"):
        monkeypatch.setattr(f"mktlab.widgets.{chart}", blank)
    return titles


# --- widgets ----------------------------------------------------------------------------------

def test_clv_explorer_is_chinese(chinese, blank_charts):
    box = clv_explorer()
    box.children[1].value = 0.9
    assert_chinese(shown_texts(box))


def test_gap_explorer_is_chinese_for_every_grouping(chinese, font, blank_charts, survey):
    box = gap_explorer(survey)
    texts = shown_texts(box)
    for value in box.controls["compare"].options:
        box.controls["compare"].value = value[1]
        texts += shown_texts(box.view)
    assert len(blank_charts) == 1 + len(box.controls["compare"].options)
    assert_chinese(texts + blank_charts)
    assert "商务客人" in " ".join(texts) and "在线旅行社" in " ".join(texts)


def test_role_play_is_chinese_at_every_step_and_choice(chinese):
    """Every step, every choice's label and reaction, and the outcome of paths through all choices."""
    play = role_play()
    texts = shown_texts(play)
    for i in range(max(len(options) for options in recovery.STEPS.values())):
        for step, options in recovery.STEPS.items():
            play.choose(step, list(options)[i % len(options)])
        texts += shown_texts(play)
    assert_chinese(texts)
    outcome = play.summary.value
    assert "值班经理" in outcome and "满意度" in outcome


def test_policy_explorer_table_is_chinese(chinese):
    box = policy_explorer()
    box.controls["authority_limit"].value = 3000
    texts = shown_texts(box)
    assert_chinese(texts)
    assert "需要值班经理" in texts[-1] and "listen_apologise" not in texts[-1]


def test_bonus_explorer_is_chinese_for_every_target(chinese, blank_charts, agents):
    """Budget-neutral (same cost), a low target (costs more) and a high one (costs less)."""
    box = bonus_explorer(agents)
    texts = shown_texts(box)
    for target in ("0.65", "0.85"):
        box.controls["target"].value = target
        texts += shown_texts(box.view)
    assert_chinese(texts)
    joined = " ".join(texts)
    assert all(word in joined for word in ("多¥", "少¥", "总额相同", "开拓型", "维系型", "均衡型"))


def test_breakdown_names_the_choices_in_the_language_asked():
    english = recovery.satisfaction_breakdown("defend", "invented_excuse", "waive_all", "none")
    chinese = recovery.satisfaction_breakdown("defend", "invented_excuse", "waive_all", "none", language="zh")
    assert english["term"].tolist()[1:4] == ["first response: defend", "explanation: invented_excuse",
                                             "bill: waive_all"]
    assert chinese["term"][3] == "账单：全部免单" and chinese["points"].equals(english["points"])
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        recovery.satisfaction_breakdown("defend", "none", "waive_all", "none", language="fr")
    with pytest.raises(ValueError, match="not an option for bill"):
        recovery.choice_name("bill", "pay_later", "zh")


# --- charts -----------------------------------------------------------------------------------

def _charts(survey, agents):
    """``(name, figure, code shown as is)`` for each chart of lessons 05-09."""
    cohorts = pd.DataFrame([[1, 0.3, 0.2], [1, 0.25, None]], index=["1997-01", "1997-02"])
    rfm = loyalty.rfm_scores(pd.DataFrame({"recency_days": [5, 50, 500, 40], "frequency": [9, 3, 1, 2],
                                           "monetary": [300.0, 80.0, 10.0, 20.0]}), bins=2)
    tracking = pd.DataFrame({"actual": [1, 3, 4], "predicted": [1.2, 2.5, 4.1]}, index=[1, 2, 3])
    holdout = pd.DataFrame({"customers": [5, 3], "actual": [0.2, 1.1], "predicted": [0.25, 1.0]}, index=["0", "1"])
    gaps = services.dimension_gaps(survey)
    return [
        ("clv", loyalty.clv_retention_chart(highlight=0.8), [f"{t}: {f}" for t, f in loyalty.CLV_TIMINGS.items()]),
        ("cohorts", loyalty.cohort_retention_chart(cohorts), []),
        ("rfm", loyalty.rfm_heatmap(rfm), []),
        ("tracking", loyalty.bgnbd_tracking_chart(tracking, calibration_weeks=2), []),
        ("holdout", loyalty.bgnbd_holdout_chart(holdout), []),
        ("gaps", services.gap_chart(gaps.groupby(survey["segment"]).mean(), title=services.LESSON_CHART_TITLES[0]),
         []),
        ("gaps_all", services.gap_chart(gaps.mean()), []),
        ("schemes", incentives.scheme_chart(agents), []),
    ]


def _figure_texts(fig, code):
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return [t for t in texts if t and t not in code]


@pytest.fixture(params=["pretended font", "installed font"])
def cjk_font(request):
    """A CJK font: pretended (so the catalog logic is always tested), or the machine's own (CI must have one)."""
    if request.param == "pretended font":
        request.getfixturevalue("font")
    elif plotting.cjk_font() is None:
        if os.environ.get("CI"):
            pytest.fail("no CJK font installed; CI installs fonts-noto-cjk")
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")


def test_charts_are_chinese(chinese, cjk_font, survey, agents):
    """Titles, axis labels, tick labels, legends and notes of every chart are Chinese."""
    for name, fig, code in _charts(survey, agents):
        texts = _figure_texts(fig, code)
        assert texts, name
        english = {t: english_words(t) for t in texts
                   if english_words(t) or (re.search("[A-Za-z]{2}", t) and not CJK.search(t))}
        assert english == {}, name
        assert all(CJK.search(ax.get_title() or "标题") for ax in fig.axes), name


def test_charts_fall_back_to_english_without_a_font(chinese, monkeypatch, survey, agents):
    """A chart never draws boxes: without a CJK font the Chinese edition's charts are in English."""
    monkeypatch.setattr(plotting, "use_cjk_font", lambda: None)
    for name, fig, code in _charts(survey, agents):
        assert not any(CJK.search(t) for t in _figure_texts(fig, code)), name


# --- English stays English --------------------------------------------------------------------

def test_english_widgets_and_charts_stay_english(font, blank_charts, survey, agents):
    assert i18n.get_language() == "en"
    assert [c.description for c in clv_explorer().children[:3]] == ["Margin m", "Retention r", "Discount d"]
    gaps = gap_explorer(survey)
    assert gaps.controls["compare"]._options_labels == ("all guests", "segment", "age_group", "booking_channel",
                                                        "loyalty_member")
    assert "**business**" not in gaps.view.children[0].value and "<strong>business</strong>" in \
        gaps.view.children[0].value
    play = role_play()
    for step, option in zip(recovery.STEPS, ("listen_apologise", "honest", "remove_dish", "voucher")):
        play.choose(step, option)
    assert play.buttons["bill"]._options_labels[1] == ("Take the late dish off the bill at once "
                                                       "(立即免去迟上的菜)")
    assert "<td>first response: listen_apologise</td>" in play.summary.value
    assert "Guest satisfaction (0–10)" in play.summary.value
    assert "Target retention" in bonus_explorer(agents).view.children[0].value
    assert blank_charts[1] == "Mean SERVQUAL gap (P − E) by dimension: segment"
    charts = {name: fig for name, fig, _ in _charts(survey, agents)}
    assert charts["schemes"].get_suptitle().startswith("Bonus rate 5% of premium; retention weight 50%")
    assert charts["gaps"].axes[0].get_title() == "Mean SERVQUAL gap by guest segment"
    assert charts["rfm"].axes[0].get_title() == "Customers by R and F score; colour = mean monetary value"
