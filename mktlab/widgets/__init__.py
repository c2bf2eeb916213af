"""Thin faces: ipywidgets wired to topic functions, one module per topic.

Widgets hold no logic of their own; what they show comes from a topic
function that is tested without a browser.
"""
