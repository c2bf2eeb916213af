"""Helpers for the browser suite (tests/test_browser.py): a throw-away JupyterLab server, Chromium, selectors."""
