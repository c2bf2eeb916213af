"""Thin faces: ipywidgets wired to topic functions, one module per topic.

Widgets hold no logic of their own; what they show comes from a topic
function that is tested without a browser.  :func:`live` does the wiring for
all of them.
"""
from __future__ import annotations

import io

__all__ = ["live"]


def _part(part):
    """One widget for one piece of a view: Markdown text, a table or a chart."""
    import ipywidgets as widgets

    if isinstance(part, str):
        import mistune

        return widgets.HTML(mistune.html(part))
    if hasattr(part, "savefig"):  # a matplotlib Figure
        buffer = io.BytesIO()
        part.savefig(buffer, format="png", dpi=90)
        return widgets.Image(value=buffer.getvalue(), format="png")
    if hasattr(part, "to_html"):  # a pandas DataFrame
        return widgets.HTML(part.to_html())
    raise TypeError(f"a view can show Markdown text, a DataFrame or a Figure, not {type(part).__name__}")


def live(render, **controls):
    """Controls above a view of ``render(**values)``, redrawn whenever a control changes.

    ``render`` returns one part or a list of parts: Markdown text, a pandas
    DataFrame or a matplotlib Figure.  The view is made of HTML and Image
    widgets, not an Output widget, because executing notebooks with Output
    widgets can hang (jupyter/nbclient issue 312).

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> box = live(lambda n: f"**{n * 2}**", n=widgets.IntSlider(value=2))
    >>> box.view.children[0].value.strip()
    '<p><strong>4</strong></p>'
    >>> box.controls["n"].value = 5
    >>> box.view.children[0].value.strip()
    '<p><strong>10</strong></p>'
    """
    import ipywidgets as widgets

    view = widgets.VBox()

    def redraw(change=None):
        parts = render(**{name: control.value for name, control in controls.items()})
        view.children = [_part(p) for p in (parts if isinstance(parts, list) else [parts])]

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([*controls.values(), view])
    box.controls, box.view = controls, view
    return box
