"""Running untrusted notebooks: warm kernels forked from a template, confined and limited.

Starting a Python kernel and importing pandas and matplotlib costs seconds,
which dominated the grading time.  So each grading worker starts one
*template* process (the "zygote") that imports ipykernel and the lesson's
modules once, and then forks a fresh kernel for every submission.  A fork
shares nothing with the other submissions: each child starts from the clean
template, never from another student's kernel.

Each forked kernel, before it runs any student code:

* starts a new session (its own process group, killed as a whole afterwards);
* runs in its own temporary folder, with ``HOME`` and ``TMPDIR`` pointing there
  and a scrubbed environment;
* gets resource limits: address space (``--memory``), file size, CPU time (a
  backstop behind the grader's wall-clock limits) and no core files;
* where the Linux kernel offers Landlock (5.13 or later), confines itself:
  it may read only the system's libraries, the Python installation, the
  installed packages, the course's ``mktlab`` package and ``datasets/``, a
  short list of files in ``/etc`` (not ``/etc/shadow``) and of ``/proc`` only
  its own entries; it may write only in its temporary folder; it may not open
  TCP connections (ABI 4+), nor signal processes outside its sandbox, such as
  the grader (ABI 6+).

Without Landlock, the limits and the private folder still apply, but the
kernel can read whatever the grading account can read.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["landlock_abi", "KernelFactory", "isolation_summary", "readable_root"]

# --- Landlock (Linux) ---------------------------------------------------------

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2
_PR_SET_NO_NEW_PRIVS = 38
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1, 2, 4, 8
_FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1, 2
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1, 2
_READ = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
_SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/sys")
# Of /etc, only what Python, the C library and the plotting stack read: not secrets such as /etc/shadow.
_ETC = ("/etc/localtime", "/etc/timezone", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts",
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/ssl",
        "/etc/ca-certificates", "/etc/fonts", "/etc/mime.types", "/etc/os-release", "/etc/locale.alias",
        "/etc/matplotlibrc", "/etc/xdg", "/etc/ipython", "/etc/jupyter")
# Of /proc, only the kernel's own entries and system-wide facts: not other processes' environments.
_PROC = ("/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/loadavg", "/proc/uptime",
         "/proc/version", "/proc/filesystems", "/proc/sys")


def _libc():
    import ctypes

    return ctypes, ctypes.CDLL(None, use_errno=True)


def landlock_abi():
    """The Landlock ABI version this Linux kernel offers, or 0 where there is none.

    Examples
    --------
    >>> landlock_abi() >= 0
    True
    """
    if not sys.platform.startswith("linux"):
        return 0
    try:
        ctypes, libc = _libc()
        version = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _fs_rights(abi):
    rights = (1 << 13) - 1  # the 13 rights of ABI 1
    if abi >= 2:
        rights |= 1 << 13  # REFER
    if abi >= 3:
        rights |= _FS_TRUNCATE
    if abi >= 5:
        rights |= _FS_IOCTL_DEV
    return rights


def _confine(read_dirs, write_dirs, bind_ports=()):
    """Landlock the calling process (and every thread and child it makes later)."""
    ctypes, libc = _libc()
    abi = landlock_abi()
    if abi < 1:
        raise OSError("Landlock is not available")

    class RulesetAttr(ctypes.Structure):
        _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    class NetPort(ctypes.Structure):
        _fields_ = [("allowed", ctypes.c_uint64), ("port", ctypes.c_uint64)]

    fs = _fs_rights(abi)
    attr = RulesetAttr(fs, (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
                       (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0)
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        def allow(path, rights):
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return  # a folder this system does not have
            try:
                if not os.path.isdir(path):
                    rights &= _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
                rule = PathBeneath(rights & fs, fd)
                if libc.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) < 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
            finally:
                os.close(fd)

        for path in read_dirs:
            allow(path, _READ)
        for path in _PROC:
            allow(os.path.realpath(path), _READ)  # /proc/self: this process's own folder
        allow("/dev", _READ)
        allow("/dev/null", _FS_READ_FILE | _FS_WRITE_FILE)
        for path in write_dirs:
            allow(path, fs)
        if abi >= 4:
            for port in bind_ports:
                rule = NetPort(_NET_BIND_TCP, int(port))
                if libc.syscall(_SYS_ADD_RULE, ruleset, _RULE_NET_PORT, ctypes.byref(rule), 0) < 0:
                    raise OSError(ctypes.get_errno(), "landlock_add_rule (port) failed")
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS) failed")
        if libc.syscall(_SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return abi


def isolation_summary(abi, sandbox=True):
    """One line on what confines a student's kernel, for the log and the report.

    Examples
    --------
    >>> isolation_summary(0)
    'limits only (no Landlock on this system): kernels can read what the grading account can read'
    >>> isolation_summary(7).startswith("Landlock ABI 7")
    True
    """
    if not sandbox:
        return "limits only (sandbox switched off): kernels can read what the grading account can read"
    if abi < 1:
        return "limits only (no Landlock on this system): kernels can read what the grading account can read"
    parts = ["files (read: Python and the course package; write: own temporary folder)"]
    if abi >= 4:
        parts.append("no TCP connections")
    if abi >= 6:
        parts.append("no signals to other processes")
    return f"Landlock ABI {abi}: " + ", ".join(parts)


def readable_root(path):
    """The folder through which a confined kernel could read ``path``, or ``None``.

    For a warning when the output, submissions or solutions folder sits inside
    the Python installation or the course package.

    Examples
    --------
    >>> readable_root("/nonexistent/out") is None
    True
    """
    path = Path(path).resolve()
    for root in _read_dirs(_course_dirs()):
        root = Path(root).resolve()
        if root != Path("/") and (path == root or root in path.parents):
            return str(root)
    return None


# --- the template process -------------------------------------------------------


def _read_dirs(extra):
    """Folders a kernel may read: the system, Python, and the packages already imported."""
    import sysconfig

    dirs = set(_SYSTEM_DIRS) | set(_ETC) | {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    dirs |= {p for p in sysconfig.get_paths().values() if p}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path or "." in name:
            continue
        path = Path(path).resolve()
        dirs.add(str(path.parent if path.name.startswith("__init__.") else path))
    dirs |= set(extra)
    return sorted(d for d in dirs if d and os.path.exists(d))


def _preload(modules):
    """Import what the lesson imports, so each forked kernel starts warm."""
    loaded = []
    for name in modules:
        try:
            __import__(name)
            loaded.append(name)
        except BaseException:  # a module the lesson names but this system lacks
            continue
    try:
        from mktlab import plotting

        plotting.cjk_font()  # scans the font list once, here
    except BaseException:
        pass
    return loaded


def _zygote_main():
    """The template process: read fork requests (JSON lines) on stdin, answer with pids."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's business
    config = json.loads(sys.stdin.readline())
    loaded = _preload(config["preload"])
    abi = landlock_abi() if config["sandbox"] else 0
    read_dirs = _read_dirs(config["read_dirs"])
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    children = set()
    _reply({"ready": True, "loaded": loaded, "landlock": abi})
    try:
        for line in sys.stdin:
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _kernel_child(request, config, abi, read_dirs)  # never returns
            children.add(pid)
            children = {p for p in children if os.path.exists(f"/proc/{p}")} if os.path.isdir("/proc") else children
            _reply({"pid": pid})
    finally:  # the worker is gone (EOF) or told us to stop: take every kernel down with us
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def _reply(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _kernel_child(request, config, abi, read_dirs):
    """In the forked child: isolate, limit, then become an IPython kernel."""
    code = 70
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL if sig != signal.SIGINT else signal.default_int_handler)
        workdir = request["workdir"]
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 65536)
        os.chdir(workdir)
        env = dict(config["env"])
        env.update(HOME=workdir, TMPDIR=workdir, IPYTHONDIR=os.path.join(workdir, ".ipython"),
                   MPLCONFIGDIR=os.path.join(workdir, ".matplotlib"), JPY_PARENT_PID=str(os.getppid()))
        os.environ.clear()
        os.environ.update(env)
        import tempfile

        tempfile.tempdir = None
        _reseed()
        _limit(config)
        if abi:
            _confine(read_dirs, [workdir], request.get("ports", ()))
        _start_kernel(request["connection_file"])
        code = 0
    except BaseException:
        code = 71
    finally:
        os._exit(code)


def _reseed():
    """A fork copies the template's random state: give each kernel its own, as a fresh start would."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        try:
            numpy.random.seed()
        except Exception:
            pass


def _limit(config):
    import resource

    def cap(which, value):
        if value:
            try:
                resource.setrlimit(which, (int(value), int(value)))
            except (ValueError, OSError):
                pass

    cap(resource.RLIMIT_AS, config["memory_bytes"])
    cap(resource.RLIMIT_FSIZE, config["file_bytes"])
    cap(resource.RLIMIT_CPU, config["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails with an error instead


def _start_kernel(connection_file):
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["-f", connection_file, "--HistoryManager.enabled=False", "--IPKernelApp.quiet=True"])
    shell = app.shell
    # Grading keeps only text and the captured answers: do not spend time drawing charts or HTML.
    shell.display_formatter.active_types = ["text/plain"]
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:  # imported by the template before a kernel existed
        try:
            widgets.register_comm_target()
        except Exception:
            pass
    app.start()


# --- the grading worker's side -------------------------------------------------


def _zygote_env():
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "MKTLAB_DATA", "PYTHONPATH", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(MPLBACKEND="module://matplotlib_inline.backend_inline", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MALLOC_ARENA_MAX="2", PYTHONDONTWRITEBYTECODE="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1", PYTHONNOUSERSITE="1")
    if sys.platform == "darwin":
        env["OBJC_DISABLE_INITIALIZE_FORK_SAFETY"] = "YES"  # forking after imports, as the template does
    return env


class _ForkedProcess:
    """Enough of ``subprocess.Popen`` for jupyter_client, for a kernel forked by the template."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            if not os.path.isdir("/proc/self"):  # no /proc (macOS): the template reaps, so a gone pid is dead
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    self.returncode = -1
                except PermissionError:
                    pass
                return self.returncode
            try:
                with open(f"/proc/{self.pid}/stat", "rb") as handle:
                    state = handle.read().rsplit(b")", 1)[1].split()[0]
                if state in (b"Z", b"X"):
                    self.returncode = -1
            except (FileNotFoundError, ProcessLookupError, IndexError):
                self.returncode = -1
        return self.returncode

    def wait(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """Launch the kernel by asking the template process to fork one."""

        factory = None

        async def launch_kernel(self, cmd, **kwargs):
            info = self.connection_info
            ports = [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")
                     if info.get("transport", "tcp") == "tcp"]
            pid = self.factory.fork(kwargs.get("cwd"), self.parent.connection_file, ports)
            self.process = _ForkedProcess(pid)
            self.pid = self.pgid = pid
            self.cwd = kwargs.get("cwd")
            return self.connection_info

        async def wait(self):
            ret = 0
            if self.process:
                while self.process.poll() is None:
                    import asyncio

                    await asyncio.sleep(0.02)
                ret = self.process.returncode
                self.process = None
            return ret

    return ForkProvisioner


class KernelFactory:
    """A grading worker's supply of fresh, warm, confined kernels.

    Parameters
    ----------
    preload : list of str
        Modules the template imports once (those the lesson imports).
    memory_mb : float
        Address-space limit of each kernel, in MiB (0: none).
    cpu_seconds : float
        CPU-time limit of each kernel, a backstop behind the grader's clocks.
    file_mb : float
        Largest file a kernel may write, in MiB.
    sandbox : bool
        Use Landlock where the system offers it.
    root : str
        A private, empty folder: the template's working folder, where the
        kernels' own folders are made.
    """

    def __init__(self, preload=(), memory_mb=2048, cpu_seconds=0, file_mb=64, sandbox=True, root=None,
                 prestart=True):
        import tempfile

        self.root = str(root or tempfile.gettempdir())
        self.prestart = prestart
        self._next = None
        self.config = {
            "preload": list(preload), "sandbox": bool(sandbox), "read_dirs": _course_dirs(),
            "memory_bytes": int(memory_mb * 2**20), "file_bytes": int(file_mb * 2**20),
            "cpu_seconds": int(cpu_seconds), "env": _kernel_env(),
        }
        self.process = None
        self.landlock = 0
        self._context = None
        self.forking = hasattr(os, "fork")
        if self.forking:
            self._start()

    def _start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from mktlab.exercises.isolation import _zygote_main; _zygote_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_zygote_env(),
            cwd=self.root, text=True, bufsize=1, close_fds=True)
        self.process.stdin.write(json.dumps(self.config) + "\n")
        self.process.stdin.flush()
        hello = self._read()
        self.landlock = hello["landlock"]

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the kernel template process stopped")
        return json.loads(line)

    @property
    def summary(self):
        if not self.forking:
            return "none on this system (no fork): each kernel is a plain new process, with time limits only"
        return isolation_summary(self.landlock, self.config["sandbox"])

    def fork(self, workdir, connection_file, ports=()):
        """A new kernel process for ``connection_file``, running in ``workdir``; returns its pid."""
        request = json.dumps({"workdir": str(workdir), "connection_file": str(connection_file), "ports": list(ports)})
        for attempt in (1, 2):
            try:
                if self.process.poll() is not None:
                    raise BrokenPipeError
                self.process.stdin.write(request + "\n")
                self.process.stdin.flush()
                return self._read()["pid"]
            except (BrokenPipeError, RuntimeError, OSError, ValueError):
                if attempt == 2:
                    raise RuntimeError("the kernel template process could not be restarted") from None
                self.close()
                self._start()  # someone killed the template: start a new one

    def manager(self, workdir, message_limit=None):
        """An ``AsyncKernelManager`` whose kernel will be forked into ``workdir``."""
        import zmq
        import zmq.asyncio
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpec

        if self._context is None:
            self._context = zmq.asyncio.Context()
            if message_limit:
                self._context.setsockopt(zmq.MAXMSGSIZE, int(message_limit))
        workdir = Path(workdir)
        if not self.forking:
            return AsyncKernelManager(kernel_name="python3", context=self._context)
        ipc = sys.platform.startswith("linux") and len(str(workdir)) < 80
        km = AsyncKernelManager(
            kernel_name="python3", context=self._context, connection_file=str(workdir / ".kernel.json"),
            transport="ipc" if ipc else "tcp", ip=str(workdir / ".k") if ipc else "127.0.0.1")
        km._kernel_spec = KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                     display_name="mktlab grading", language="python")
        provisioner = _provisioner_class()(kernel_id=os.path.basename(workdir), kernel_spec=km._kernel_spec,
                                           parent=km)
        provisioner.factory = self
        km.provisioner = provisioner
        return km

    async def _started(self, message_limit):
        import tempfile

        workdir = tempfile.mkdtemp(dir=self.root, prefix="s")
        km = self.manager(workdir, message_limit)
        await km.start_kernel(cwd=workdir)
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
        except BaseException:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            raise
        kc.allow_stdin = False
        return km, kc, workdir

    async def acquire(self, message_limit=None):
        """A started kernel (manager and ready client) and its fresh folder.

        The next kernel is forked now, while this one works.

        Starting a kernel takes a few tenths of a second, mostly waiting; the
        kernel prepared in advance is already up when the next submission comes.
        """
        ready = None
        if self._next is not None:
            pending, self._next = self._next, None
            try:
                km, kc, workdir = await pending
                if await km.is_alive():
                    ready = (km, kc, workdir)
                else:
                    kc.stop_channels()
                    await km.cleanup_resources()
            except Exception:  # it died or could not start: start another below
                ready = None
        if ready is None:
            ready = await self._started(message_limit)
        if self.prestart:
            import asyncio

            self._next = asyncio.ensure_future(self._started(message_limit))
        return ready

    def close(self):
        self._next = None
        if self.process is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


def _course_dirs():
    """The course's own readable folders: the ``mktlab`` package and the datasets (never ``solutions/``)."""
    package = Path(__file__).resolve().parent.parent
    dirs = [str(package)]
    try:
        from mktlab.data import DATA_DIR

        dirs.append(str(Path(DATA_DIR).resolve()))
    except Exception:
        pass
    return dirs


def _kernel_env():
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "MKTLAB_DATA", "PYTHONPATH")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(_zygote_env())
    return env
