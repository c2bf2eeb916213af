"""The evolution of marketing concepts (营销观念的演变): lesson 01.

The concepts are read from ``datasets/marketing_concepts.csv`` (one row per
concept, with its textbook dating).  The functions here take that table and
return new values; none of them changes it.
"""
from __future__ import annotations

__all__ = ["concepts_in_play", "concept_card", "timeline_chart"]


def _row(concepts, name):
    """The row of ``concepts`` whose English or Chinese name is ``name``."""
    key = " ".join(str(name).split()).lower()
    hits = concepts[(concepts["concept"].str.lower() == key) | (concepts["concept_zh"] == key)]
    if hits.empty:
        raise KeyError(f"no concept called {name!r}; choose one of: {', '.join(concepts['concept'])}")
    return hits.iloc[0]


def concepts_in_play(concepts, year):
    """The concepts that textbooks say had emerged by ``year``, oldest first.

    Because the concepts coexist, a later concept is added to the earlier ones;
    it does not replace them.

    Parameters
    ----------
    concepts : pandas.DataFrame
        The ``marketing_concepts`` dataset.
    year : int
        A calendar year.

    Returns
    -------
    list of str
        English names of the concepts whose ``emerged`` year is at most ``year``.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> concepts = load_dataset("marketing_concepts")
    >>> concepts_in_play(concepts, 1955)
    ['production concept', 'product concept', 'selling concept', 'marketing concept']
    >>> concepts_in_play(concepts, 1800)
    []
    """
    ordered = concepts.sort_values(["emerged", "order"])
    return ordered.loc[ordered["emerged"] <= year, "concept"].tolist()


def concept_card(concepts, name, tr=str):
    """A short Markdown card describing one concept, found by English or Chinese name.

    ``tr`` translates the card's text (see :mod:`mktlab.i18n`); English by default.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> card = concept_card(load_dataset("marketing_concepts"), "关系营销")
    >>> card.splitlines()[0]
    '**Relationship marketing** (关系营销): outside-in, usually dated to the 1990s'
    >>> concept_card(load_dataset("marketing_concepts"), "global marketing")
    Traceback (most recent call last):
    ...
    KeyError: "no concept called 'global marketing'; choose one of: ..."
    """
    row = _row(concepts, name)
    return tr("**{name}** ({name_zh}): {focus}, usually dated to the {dating}\n\n"
              "- Core idea: {idea}\n- Anchor in the literature: {anchor}\n- Careful: {note}").format(
        name=row["concept"].capitalize(), name_zh=row["concept_zh"], focus=tr(row["focus"]),
        dating=tr(row["textbook_dating"]), idea=tr(row["core_idea"]), anchor=tr(row["anchor"]),
        note=tr(row["dating_note"]))


def timeline_chart(concepts, until=2020):
    """A timeline of the concepts as ideal types, each drawn from its textbook date to ``until``.

    The bars run on after a concept emerges because firms still practise all of
    them: the sequence describes which idea was prominent, not which one firms held.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> fig = timeline_chart(load_dataset("marketing_concepts"))
    >>> len(fig.axes[0].patches)
    7
    """
    from .plotting import bilingual, chart_text, new_figure

    ordered = concepts.sort_values("order", ascending=False)
    fig, ax = new_figure(figsize=(9, 4.2))
    colours = ordered["focus"].map({"inside-out": "#9c6b30", "outside-in": "#2f6f9f"})
    ax.barh([bilingual(c, z, sep=" ") for c, z in zip(ordered["concept"], ordered["concept_zh"])],
            until - ordered["emerged"], left=ordered["emerged"], color=colours, alpha=0.85)
    for y, start in enumerate(ordered["emerged"]):
        ax.annotate(str(start), (start, y), xytext=(3, 0), textcoords="offset points",
                    va="center", color="white", fontsize=8)
    ax.set_xlim(ordered["emerged"].min() - 5, until)
    ax.set_xlabel(chart_text("year the concept is usually said to have become prominent (ideal type)"))
    ax.set_title(chart_text("Marketing concepts emerged in sequence but coexist today "
                            "(brown: inside-out, blue: outside-in)"), fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
