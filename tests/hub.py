"""A real JupyterHub on 127.0.0.1 with real Unix users: the pieces the hub tests (and the load test) share.

- :func:`missing`: why a hub cannot run here ("" when it can); :func:`require` skips, or fails under ``CI=true``.
- :func:`unix_users`: a context manager that makes a group and users with ``groupadd``/``useradd`` and deletes them.
- :func:`student_env`: a Python environment that other users can run (Debian's python3.11, in a world-readable
  folder), with the course installed from its wheel, plus JupyterHub's single-user server.
- :class:`Hub`: starts ``jupyterhub`` (``LocalProcessSpawner``, ``dummy`` authenticator, a service token with
  ``admin:users``, ``admin:servers``, ``tokens`` and ``access:servers``); ``start_servers`` starts users' servers
  and gives each user a token of their own; stops everything it started.
- :class:`Student`: one user's server, driven as JupyterLab would: save a notebook through the contents API, start a
  kernel for it (so the kernel gets ``JPY_SESSION_NAME``), and run code in it over the kernel websocket.
- :func:`run_as`: run a command as a Unix user (``runuser -u``).

Requires root (to make users and to let the hub switch to them), node with ``configurable-http-proxy``
(``npm install --prefix .ci/node configurable-http-proxy``), ``/usr/bin/python3.11`` with ``venv``, and ``uv``.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = "/usr/bin/python3.11"
#: The single-user environment: the course's wheel (with its dependencies) and JupyterHub's single-user server.
ENV_PACKAGES = ["jupyterhub"]


def proxy_command():
    """The configurable-http-proxy executable: ``.ci/node`` of this repository, else the PATH."""
    local = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else shutil.which("configurable-http-proxy")


def _uv():
    found = Path(sys.executable).parent / "uv"
    return str(found) if found.exists() else shutil.which("uv")


def missing():
    """Why a hub with real users cannot run here, or "" when it can."""
    if os.geteuid() != 0:
        return "needs root (to create Unix users and let JupyterHub switch to them)"
    if not shutil.which("useradd") or not shutil.which("runuser"):
        return "needs useradd and runuser"
    if not shutil.which("node") or not proxy_command():
        return "needs node and configurable-http-proxy (npm install --prefix .ci/node configurable-http-proxy)"
    if not Path(SYSTEM_PYTHON).exists():
        return f"needs {SYSTEM_PYTHON} (apt-get install python3.11-venv) for an environment other users can run"
    if not _uv():
        return "needs uv (pip install -e '.[test]')"
    try:
        import jupyterhub  # noqa: F401
        import websocket  # noqa: F401
    except ImportError as err:
        return f"needs {err.name} (pip install -e '.[test]')"
    return ""


def require():
    """Skip the calling test when a hub cannot run here, saying why; under ``CI=true``, fail instead."""
    why = missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the JupyterHub test cannot run under CI: {why}")
        pytest.skip(why)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


@contextlib.contextmanager
def unix_users(names, group):
    """Make the Unix group ``group`` and users ``names`` (with homes); delete them all afterwards.

    Use names reserved for tests: users and a group of these names left by an earlier run are removed first.
    """
    for name in names:  # left behind by a run that was killed: these names belong to the tests
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(Path("/home") / name, ignore_errors=True)
    subprocess.run(["groupdel", group], capture_output=True)
    made = []
    try:
        _run(["groupadd", group])
        made.append(("group", group))
        for name in names:
            _run(["useradd", "--create-home", "--shell", "/bin/bash", name])
            made.append(("user", name))
        yield names
    finally:
        for kind, name in reversed(made):
            if kind == "user":
                subprocess.run(["userdel", "--remove", name], capture_output=True)
            else:
                subprocess.run(["groupdel", name], capture_output=True)


def run_as(user, argv, **kw):
    """Run ``argv`` as Unix user ``user``; returns the CompletedProcess (never raises on failure)."""
    return subprocess.run(["runuser", "-u", user, "--", *argv], capture_output=True, text=True, **kw)


def _world_readable(path):
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            item = Path(folder, name)
            if not item.is_symlink():
                item.chmod(item.stat().st_mode | 0o444 | (0o111 if item.is_dir() else 0))


def _site_packages(python):
    return Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())


def student_env(packages=ENV_PACKAGES, base=None):
    """A virtual environment that every user can run, with the course's wheel and ``packages``; its folder.

    Built with uv from Debian's python3.11 in ``base`` (default: the temp folder, under a name made from the
    package list, so that later runs reuse it).  The course is rebuilt from this checkout and reinstalled from
    its wheel every time, so it is always the code under test.
    """
    uv = _uv()
    key = hashlib.sha256(json.dumps([SYSTEM_PYTHON, sorted(packages), "bytecode",
                                     (ROOT / "pyproject.toml").read_text()]).encode()).hexdigest()[:12]
    env = Path(base or tempfile.gettempdir()) / f"mktlab-hub-env-{key}"
    env.parent.mkdir(parents=True, exist_ok=True)
    python = env / "bin" / "python"
    with open(f"{env}.lock", "w") as lock, tempfile.TemporaryDirectory() as dist:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time; another test waits and reuses it
        _run([uv, "build", "--quiet", "--wheel", "--out-dir", dist, str(ROOT)])
        wheel = str(next(Path(dist).glob("mktlab-*.whl")))
        if (env / ".complete").exists():
            _run([uv, "pip", "install", "--quiet", "--python", str(python), "--reinstall-package", "mktlab", wheel])
            compiled = [_site_packages(python) / "mktlab"]
        else:
            shutil.rmtree(env, ignore_errors=True)
            _run([uv, "venv", "--quiet", "--python", SYSTEM_PYTHON, str(env)])
            _run([uv, "pip", "install", "--quiet", "--python", str(python), *packages, wheel])
            compiled = [_site_packages(python)]
        # students cannot write __pycache__ here: compile now, or every server and kernel compiles on each start
        _run([str(python), "-m", "compileall", "-q", "-j", "0", "-x", "/tests?/", *map(str, compiled)])
        (env / ".complete").touch()
        _world_readable(env)
    return env


class Hub:
    """A JupyterHub on 127.0.0.1 in folder ``workdir``; single-user servers run from ``env`` as their users.

    ``environment`` is given to every single-user server (e.g. ``MKTLAB_EXCHANGE``).  Use as a context manager.
    """

    def __init__(self, workdir, env, environment=None):
        self.workdir = Path(workdir)
        self.env = Path(env)
        self.environment = dict(environment or {})
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        self.process = None
        self.log_path = self.workdir / "jupyterhub.log"
        self.servers = []

    def config(self):
        """The text of jupyterhub_config.py."""
        env = {"PATH": f"{self.env / 'bin'}:/usr/local/bin:/usr/bin:/bin", **self.environment}
        return f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{proxy_command()!r}]
c.ConfigurableHTTPProxy.pid_file = {str(self.workdir / 'proxy.pid')!r}
c.JupyterHub.db_url = "sqlite:///{self.workdir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(self.workdir / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(self.env / 'bin' / 'jupyterhub-singleuser')!r}]
c.Spawner.env_keep = []  # nothing of the test's environment (e.g. PYTHONPATH) reaches the students
c.Spawner.environment = {env!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{{"name": "mktlab-test", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = [{{"name": "mktlab-test", "services": ["mktlab-test"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
"""

    def __enter__(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "jupyterhub_config.py").write_text(self.config())
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", "jupyterhub_config.py"],
                                        cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True, env={**os.environ, "PYTHONPATH": ""})
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.api("GET", "/").ok:  # the version; answers once the hub is up
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"jupyterhub did not start within 60 s:\n{self.log()}")

    def __exit__(self, *exc):
        if exc and exc[0] is not None:
            print(f"--- the end of the JupyterHub log ---\n{self.log()}")  # shown in pytest's report
        for name in self.servers:
            with contextlib.suppress(Exception):
                self.api("DELETE", f"/users/{name}/server")
        for name in self.servers:
            with contextlib.suppress(Exception):
                self._wait(lambda: not self.api("GET", f"/users/{name}").json().get("servers"), 30)
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(OSError, ValueError):  # the proxy runs in a session of its own
            os.kill(int((self.workdir / "proxy.pid").read_text()), signal.SIGTERM)

    def log(self, tail=6000):
        """The end of the hub's log."""
        return self.log_path.read_text(errors="replace")[-tail:] if self.log_path.exists() else ""

    def api(self, method, path, token=None, **kw):
        """A request to the hub's REST API (``/hub/api`` + ``path``), with the service token by default."""
        import requests

        return requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                headers={"Authorization": f"token {token or self.token}"}, **kw)

    @staticmethod
    def _wait(ready, seconds):
        deadline = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > deadline:
                raise TimeoutError
            time.sleep(0.3)

    def start_servers(self, *names):
        """Create hub users ``names`` (Unix users), start their servers at once, and return a :class:`Student` each."""
        for name in names:
            self.api("POST", f"/users/{name}")  # 409 when the user exists already: fine
            reply = self.api("POST", f"/users/{name}/server")
            if reply.status_code not in (201, 202):
                raise RuntimeError(f"starting {name}'s server: {reply.status_code} {reply.text}\n{self.log()}")
            self.servers.append(name)
        for name in names:
            try:
                self._wait(lambda: self.api("GET", f"/users/{name}").json()["servers"].get("", {}).get("ready"), 120)
            except TimeoutError:
                raise RuntimeError(f"{name}'s server did not become ready:\n{self.log()}") from None
        tokens = [self.api("POST", f"/users/{name}/tokens", json={"note": "mktlab test"}).json()["token"]
                  for name in names]
        return [Student(self, name, token) for name, token in zip(names, tokens)]


class Student:
    """One user's single-user server, used through its REST and kernel APIs with the user's own token."""

    def __init__(self, hub, name, token):
        self.hub, self.name, self.token = hub, name, token
        self.base = f"{hub.url}/user/{name}"

    def request(self, method, path, token=None, **kw):
        """A request to this user's server (``/user/NAME`` + ``path``), with the user's token by default."""
        import requests

        return requests.request(method, f"{self.base}{path}", timeout=60, allow_redirects=False,
                                headers={"Authorization": f"token {token or self.token}"}, **kw)

    def save(self, path, notebook):
        """Save ``notebook`` (a dict) at ``path`` (relative to the home folder), as JupyterLab's Save does."""
        reply = self.request("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json",
                                                                   "content": notebook})
        reply.raise_for_status()

    def open(self, path):
        """Start a kernel for notebook ``path`` as JupyterLab does; returns a :class:`Kernel`."""
        reply = self.request("POST", "/api/sessions", json={"path": path, "name": Path(path).name,
                                                            "type": "notebook", "kernel": {"name": "python3"}})
        reply.raise_for_status()
        return Kernel(self, reply.json()["kernel"]["id"])


class Kernel:
    """A kernel of a user's server, run over its websocket (the JSON protocol JupyterLab's older clients use)."""

    def __init__(self, student, kernel_id):
        import websocket

        self.session = uuid.uuid4().hex
        url = f"{student.base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id={self.session}"
        self.socket = websocket.create_connection(url, header=[f"Authorization: token {student.token}"], timeout=60)

    def run(self, code, timeout=60):
        """Run ``code``; returns what it printed (an error is returned as ``ERROR name: value``)."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "student", "session": self.session, "msg_type": "execute_request",
                  "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self.socket.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "channel": "shell",
                                     "buffers": [], "content": {"code": code, "silent": False,
                                                                "store_history": False, "user_expressions": {},
                                                                "allow_stdin": False, "stop_on_error": True}}))
        out, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.socket.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                out.append(f"ERROR {content['ename']}: {content['evalue']}\n")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
        raise TimeoutError(f"the kernel did not finish within {timeout} s: {''.join(out)}")

    def close(self):
        self.socket.close()
