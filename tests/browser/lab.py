"""A throw-away JupyterLab server and headless Chromium, for the browser suite (tests/test_browser.py).

The server runs on 127.0.0.1 with a random port and token, in its own process
group, with its configuration, data and runtime folders in a temporary
directory, and with the news popup and autosave turned off. Chromium is
Debian's (``/usr/bin/chromium``), driven by the Python Playwright package;
Playwright's own browser download is never used.

This module never imports Playwright itself (the tests pass in its objects),
so importing it, as pytest's doctest collection does, needs only the
standard library. All selectors are in :mod:`browser.selectors`.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import selectors as S

CHROMIUM = Path(os.environ.get("MKTLAB_CHROMIUM", "/usr/bin/chromium"))
#: Flags that keep Chromium headless and off the network (this machine has none but the registries).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: JupyterLab settings for the test server: nothing saved behind the suite's back, every cell in the page.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
#: Plugins disabled on the test server: the "official Jupyter news" popup covers the lower right.
DISABLED_PLUGINS = ["@jupyterlab/apputils-extension:announcements"]


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid):
    """The ids of all processes below ``pid``, read from /proc (kernels start sessions of their own)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class LabServer:
    """``jupyter lab`` serving copies of ``notebooks`` (``{file name: path}``) from ``workdir``; a context manager."""

    def __init__(self, notebooks, workdir):
        self.workdir = Path(workdir)
        self.root = self.workdir / "root"
        self.root.mkdir(parents=True)
        for name, nb in notebooks.items():  # a copy, so nothing the browser does can touch the repository's files
            shutil.copy2(nb, self.root / name)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "jupyter-lab.log"
        self.proc = None

    def env(self):
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
            env[var] = str(self.workdir / sub)
            (self.workdir / sub).mkdir(exist_ok=True)
        env.pop("JUPYTER_PATH", None)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        return env

    def _configure(self, env):
        # The documented way to disable a plugin, aimed at the throw-away user config (never sys_prefix).
        for plugin in DISABLED_PLUGINS:
            subprocess.run([sys.executable, "-m", "jupyter", "labextension", "disable", "--level=user", plugin],
                           env=env, check=True, capture_output=True, text=True)
        for plugin, values in LAB_SETTINGS.items():
            path = self.workdir / "settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))

    def command(self):
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}",
               f"--LabApp.user_settings_dir={self.workdir / 'settings'}",
               f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--ServerApp.terminals_enabled=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self, timeout=60):
        env = self.env()
        self._configure(env)
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.command(), env=env, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # its own process group, ended as a whole
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, grace=10):
        """End the server, its process group, and any kernel it started (kernels have sessions of their own)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pids = _descendants(self.proc.pid)
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
        for kill in (lambda: os.killpg(self.proc.pid, signal.SIGKILL),
                     *[(lambda pid=pid: os.kill(pid, signal.SIGKILL)) for pid in pids]):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        self.proc.wait(5)

    def api(self, path, method="GET"):
        """Call the server's REST API; returns the decoded JSON answer (or None)."""
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Shut down every session and kernel, so that one notebook's kernel does not slow the next."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", "DELETE")
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", "DELETE")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- the browser -----------------------------------------------------------------------------

def launch_chromium(playwright):
    """Debian's Chromium through Playwright; a fresh temporary profile each launch."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


class Console:
    """Collects the page's console messages and uncaught errors, for the artifacts of a failed test."""

    def __init__(self, page):
        self.lines = []
        page.on("console", lambda m: self.lines.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: self.lines.append(f"[pageerror] {e}"))

    def text(self):
        return "\n".join(self.lines) + "\n"


def open_lab(page, server, timeout=60_000):
    """Load JupyterLab in ``page`` (a fresh workspace) and wait for the file browser."""
    page.goto(f"{server.url}/lab?token={server.token}&reset")
    page.wait_for_selector(S.FILE_ITEM, timeout=timeout)


def needs_reload(page):
    """True when the page is not JupyterLab with no notebook and no dialog open (e.g. after a failed test)."""
    try:
        return (page.locator(S.FILE_ITEM).count() == 0 or page.locator(S.NOTEBOOK).count() > 0
                or page.locator(S.DIALOG).count() > 0)
    except Exception:
        return True


def open_notebook(page, name, timeout=30_000):
    """Double-click ``name`` in the file browser, as a student would; wait until its kernel is up and idle."""
    item = page.locator(S.FILE_ITEM).filter(
        has=page.locator(S.FILE_NAME, has_text=re.compile(rf"^{re.escape(name)}$")))
    item.dblclick()
    page.wait_for_function(
        """([tabSel, name, nameSel, statusSel, noKernel, dialogSel]) => {
          if (document.querySelector(dialogSel)) return true;   // reported below
          const tab = document.querySelector(tabSel);
          const n = document.querySelector(nameSel), s = document.querySelector(statusSel);
          return tab && tab.textContent.trim() === name && n && s && n.textContent.trim() !== ''
                 && n.textContent.trim() !== noKernel && s.dataset.status === 'idle';
        }""",
        arg=[S.CURRENT_DOCUMENT_TAB, name, S.KERNEL_NAME, S.KERNEL_STATUS, S.NO_KERNEL, S.DIALOG],
        timeout=timeout, polling=100)
    dialogs = page.locator(S.DIALOG).all_inner_texts()
    if dialogs:
        raise AssertionError(f"a dialog blocks the notebook: {dialogs}")


def close_notebook(page, timeout=15_000):
    """File → Close and Shut Down Notebook, and confirm; waits until the notebook is gone."""
    menu(page, S.CLOSE_AND_SHUT_DOWN)
    page.locator(S.DIALOG_ACCEPT).click(timeout=timeout)
    page.wait_for_selector(S.NOTEBOOK, state="detached", timeout=timeout)


def menu(page, path):
    """Click through the menu bar, e.g. ``("Run", "Run All Cells")``, as a student would."""
    top, item = path
    page.locator(S.MENUBAR_ITEM, has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.locator(S.MENU_ITEM, has_text=re.compile(rf"^{re.escape(item)}")).first.click()


def run_all(page):
    """Edit → Clear Outputs of All Cells, then Run → Run All Cells: every output seen afterwards is fresh."""
    menu(page, S.CLEAR_ALL)
    page.wait_for_function(
        "([sel]) => [...document.querySelectorAll(sel)].every(p => !/\\d/.test(p.textContent))",
        arg=[f"{S.CODE_CELL} {S.PROMPT}"], timeout=10_000)
    menu(page, S.RUN_ALL)


_PROMPTS_JS = """([cellSel, promptSel]) => [...document.querySelectorAll(cellSel)].map(c => {
  const p = c.querySelector(promptSel); return p ? p.textContent.trim() : ''; })"""


def wait_for_run(page, timeout=60_000):
    """Wait until every code cell has run (or an error stopped the run) and the kernel is idle again.

    Returns the prompts of the code cells, e.g. ``["[1]:", "[2]:", ...]``.
    """
    page.wait_for_function(
        f"""([cellSel, promptSel, errorSel]) => {{
          const ps = ({_PROMPTS_JS})([cellSel, promptSel]);
          const busy = ps.some(p => p.includes('*'));
          const done = ps.every(p => /\\[\\d+\\]/.test(p));
          const errored = [...document.querySelectorAll(errorSel)].some(e => /Traceback|Error/.test(e.textContent));
          return !busy && (done || errored);
        }}""",
        arg=[S.CODE_CELL, S.PROMPT, S.STDERR_OUTPUT], timeout=timeout, polling=100)
    page.wait_for_selector(f'{S.KERNEL_STATUS}[data-status="idle"]', timeout=timeout)
    return page.evaluate(_PROMPTS_JS, [S.CODE_CELL, S.PROMPT])


def stderr_outputs(page):
    """The text of every stderr or error output on the page (tracebacks, warnings)."""
    return page.locator(S.STDERR_OUTPUT).all_inner_texts()


_WIDGETS_JS = """([outSel, rootSel, failures]) => [...document.querySelectorAll(outSel)]
  .filter(o => o.matches(rootSel) || o.querySelector(rootSel) || failures.some(f => o.textContent.includes(f)))
  .map(o => ({rendered: o.querySelector(rootSel) !== null && !failures.some(f => o.textContent.includes(f)),
              text: o.innerText.slice(0, 200)}))"""


def widget_outputs(page):
    """One dict per cell output that shows (or should show) a widget: is it rendered, and its text."""
    return page.evaluate(_WIDGETS_JS, [S.TOP_OUTPUT, S.WIDGET_ROOT, list(S.WIDGET_FAILURE_TEXTS)])


def wait_for_widgets(page, timeout=15_000):
    """Wait until every widget output shows its widget; returns False (and does not raise) on a timeout."""
    try:
        page.wait_for_function(f"(args) => ({_WIDGETS_JS})(args).every(w => w.rendered)",
                               arg=[S.TOP_OUTPUT, S.WIDGET_ROOT, list(S.WIDGET_FAILURE_TEXTS)],
                               timeout=timeout, polling=200)
        return True
    except Exception:  # playwright's TimeoutError; the caller reports the widgets that failed
        return False


def widget_locators(page):
    """Locators of the cell outputs that hold a rendered widget, in page order."""
    outputs = page.locator(S.TOP_OUTPUT).filter(has=page.locator(S.WIDGET_ROOT))
    return [outputs.nth(i) for i in range(outputs.count())]


# --- operating widgets --------------------------------------------------------------------------

#: The text of a widget's result parts, plus a hash of the pixels of each image in it (an Image widget
#: gets a new blob: URL at each redraw, so the URL alone would change even when the chart does not).
_RESULT_JS = """(el, resultSel) => {
  const parts = [...el.querySelectorAll(resultSel)].map(r => r.innerText);
  const imgs = [...el.querySelectorAll('img')].map(img => {
    if (!img.complete || !img.naturalWidth) return '<img loading>';
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
    return `${c.width}x${c.height}:${h}`;
  });
  return parts.join('\\n') + '\\n' + imgs.join('\\n');
}"""


def result_text(output, timeout=15_000):
    """What a widget output shows as its result (HTML and Output widgets, images), once every image has loaded.

    The text of controls (a slider's readout, a dropdown's label) is left out, so a change in the
    result means that the widget reacted, not just that a control moved.
    """
    handle = output.element_handle()
    return output.page.wait_for_function(
        f"([el, sel]) => {{ const r = ({_RESULT_JS})(el, sel); return r.includes('<img loading>') ? false : r; }}",
        arg=[handle, S.WIDGET_RESULT], timeout=timeout, polling=100).json_value()


def _operate(control, kind):
    """Change the value of one control the way a student would; returns a description of what was done."""
    if kind == "slider":
        readout = control.locator(S.SLIDER_OF_HANDLE).locator(S.SLIDER_READOUT)
        before = readout.inner_text()
        control.focus()
        control.press("ArrowRight")
        if readout.inner_text() == before:  # already at the maximum
            control.press("ArrowLeft")
        return f"slider {before} -> {readout.inner_text()}"
    if kind == "dropdown":
        options = control.evaluate("s => [...s.options].map(o => o.value)")
        current = control.input_value()
        target = next(o for o in reversed(options) if o != current)
        control.select_option(target)
        return f"dropdown {current!r} -> {target!r}"
    # Read labels before clicking: the selectors pick an unselected option, so they move on after a click.
    if kind == "toggle buttons":
        label = control.inner_text()
        control.click()
        return f"toggle button {label!r}"
    if kind in ("radio buttons", "checkbox"):
        label = control.evaluate("e => e.parentElement.innerText")
        control.click()
        return f"{kind} {label!r}"
    if kind == "text box":
        control.fill("a new plan typed by the browser test")
        control.press("Tab")
        return "text box typed"
    if kind == "button":
        label = control.inner_text()
        control.click()
        return f"button {label!r}"
    raise ValueError(kind)


def operate_widgets(output, timeout=15_000):
    """Operate the first control of each kind in one widget output; check that its result changes each time.

    Returns a list of ``(kind, what was done, result changed)``.
    """
    done = []
    for kind, selector in S.CONTROLS.items():
        controls = output.locator(selector)
        if kind == "button":  # a plain button, not one of a set of toggle buttons
            controls = output.locator(f":not({S.BUTTON_GROUPS}) > {selector}")
        if controls.count() == 0:
            continue
        control = next((c for c in (controls.nth(i) for i in range(controls.count())) if c.is_visible()), None)
        if control is None:
            continue
        control.scroll_into_view_if_needed()
        before = result_text(output)
        what = _operate(control, kind)
        try:
            output.page.wait_for_function(
                f"""([el, sel, before]) => {{
                  const r = ({_RESULT_JS})(el, sel); return !r.includes('<img loading>') && r !== before; }}""",
                arg=[output.element_handle(), S.WIDGET_RESULT, before], timeout=timeout, polling=100)
            changed = True
        except Exception:  # playwright's TimeoutError
            changed = False
        done.append((kind, what, changed))
    return done


# --- Chinese glyphs ---------------------------------------------------------------------------------

#: Draws each character on a canvas, in the font of the first element that contains Chinese, and
#: compares it with characters that no font has (a private-use one and an unassigned one): a character
#: that looks the same as those is drawn as a box ("tofu"), not as a real glyph.
_GLYPHS_JS = r"""([sel, extra, limit]) => {
  const han = /[\u4e00-\u9fff]/g, hasHan = /[\u4e00-\u9fff]/;
  const els = [...document.querySelectorAll(sel)].filter(e => hasHan.test(e.textContent));
  if (!els.length) return {font: null, checked: [], boxes: []};
  const chars = [...new Set(els.map(e => e.textContent).join('').match(han))].slice(0, limit).concat(extra);
  const style = getComputedStyle(els[0]);
  const font = `${style.fontWeight} 24px ${style.fontFamily}`;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = ch => {
    ctx.clearRect(0, 0, 32, 32); ctx.font = font; ctx.fillStyle = '#000'; ctx.textBaseline = 'top';
    ctx.fillText(ch, 2, 2);
    return ctx.getImageData(0, 0, 32, 32).data.join(',');
  };
  const blank = (ctx.clearRect(0, 0, 32, 32), ctx.getImageData(0, 0, 32, 32).data.join(','));
  const missing = new Set([draw('\uE000'), draw('\u0378'), blank]);
  return {font: style.fontFamily, checked: chars, boxes: chars.filter(c => missing.has(draw(c)))};
}"""


def chinese_glyph_check(page, selector, extra=(), limit=400):
    """Which Chinese characters in ``selector`` the browser draws as boxes.

    Returns ``{"font": CSS font family, "checked": [chars], "boxes": [chars drawn as boxes]}``.
    ``extra`` characters are checked too (the suite passes one that no font has, to show the check can fail).
    """
    return page.evaluate(_GLYPHS_JS, [selector, list(extra), limit])


# --- artifacts ------------------------------------------------------------------------------------

def save_artifacts(page, console, server, folder, name):
    """Save a screenshot, the browser console and the server log of a failed test; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# written by tests/test_browser.py: artifacts of failed browser tests\n*\n")
    paths = []
    try:
        first_error = page.locator(S.STDERR_OUTPUT).first
        if first_error.count():
            first_error.scroll_into_view_if_needed(timeout=2_000)
        shot = folder / f"{name}.png"
        page.screenshot(path=shot, timeout=10_000)
        paths.append(shot)
    except Exception as exc:  # a screenshot must not hide the real failure
        console.lines.append(f"[artifacts] no screenshot: {exc}")
    log = folder / f"{name}.console.log"
    log.write_text(console.text())
    paths.append(log)
    server_log = folder / f"{name}.server.log"
    server_log.write_text(server.log_tail(200) + "\n")
    paths.append(server_log)
    return paths
