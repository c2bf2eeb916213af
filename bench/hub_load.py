"""Benchmark: a class of N students on one JupyterHub, run with deploy/jupyterhub_config.py, on loopback.

Needs root (it creates and deletes its own system users), node/npm and Debian's python3 (with venv).
The hub runs with deploy/jupyterhub_config.py (PAM, LocalProcessSpawner, the idle culler); only
ports, state folders and the paths of the students' environment and the proxy are changed, and a
service token is added for the instructor's side.  Then:

1. the instructor adds the class list to the hub (REST API, service token);
2. each student (one thread each, arriving within --arrival seconds) logs in through the REST API
   with their Unix password (POST /hub/api/users/NAME/tokens, checked by PAM), starts their server
   and waits until it is ready;
3. finds the lesson the instructor handed out (``mktlab exchange open`` and ``mktlab handout``, before
   the class) in ~/mktlab, fills in a seeded random half of the answers from the solution, as a
   student would type them, and saves it through the server's contents API;
4. runs its code cells one by one through the kernel API (websocket), with a random think time
   between cells;
5. submits with ``ex.submit()`` in the kernel (the exchange, under $MKTLAB_EXCHANGE);

and the instructor collects and grades with ``mktlab grade LESSON --exchange ... --out ...``.

It prints spawn time (p50, p95); memory per active student (PSS, from /proc/PID/smaps_rollup, of
the server and of the kernel, measured when the student has run every cell); CPU time to start a
server and cores used per student during the lesson (from /proc/PID/stat); cell latency (p50, p95)
under that load; submissions lost; and the time to collect and grade.  It is bounded: at most
--students users, and --max-seconds for the whole run, after which it stops, stops the hub and its
servers, and deletes its users and folders.

The students' environment, the proxy and the client of the servers and their kernels are those of the
JupyterHub integration test (tests/hub.py): a venv from Debian's python3.11 in a world-readable
folder, reused between runs, with the course reinstalled from a wheel of this checkout each run.

    sudo python bench/hub_load.py --students 30
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import platform
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import requests

from grade_speed import choices, filled_copy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from hub import Student, free_port, missing, proxy_command, student_env  # noqa: E402  (the hub test's helpers)

STUDENTS_GROUP, INSTRUCTORS_GROUP = "mktlab-students", "mktlab-instructors"
USER_PREFIX = "mktlab-load-"


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def percentile(values, p):
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# --- users -----------------------------------------------------------------------------------------------


class ClassOfUsers:
    """Creates the groups (if missing) and N students with random passwords; deletes what it created."""

    def __init__(self, n):
        self.names = [f"{USER_PREFIX}s{k:03d}" for k in range(n)]
        self.passwords = {name: secrets.token_urlsafe(16) for name in self.names}
        self.created_users, self.created_groups = [], []

    def __enter__(self):
        left = [name for name in self.names if subprocess.run(["id", name], capture_output=True).returncode == 0]
        if left:
            raise RuntimeError(f"users left by an earlier run: {', '.join(left)}; remove them with userdel --remove")
        try:
            for group in (STUDENTS_GROUP, INSTRUCTORS_GROUP):
                if subprocess.run(["getent", "group", group], capture_output=True).returncode != 0:
                    run(["groupadd", group])
                    self.created_groups.append(group)
            for name in self.names:
                run(["useradd", "--create-home", "--groups", STUDENTS_GROUP, name])
                self.created_users.append(name)
            run(["chpasswd"], input="".join(f"{n}:{p}\n" for n, p in self.passwords.items()))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        """Kill each user's processes (by uid: only this class's), wait until they are gone, delete users and groups."""
        for name in self.created_users:
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        deadline = time.monotonic() + 30
        while any(subprocess.run(["pgrep", "-u", name], capture_output=True).returncode == 0
                  for name in self.created_users) and time.monotonic() < deadline:
            time.sleep(0.5)
        kept = [name for name in self.created_users
                if subprocess.run(["userdel", "--remove", name], capture_output=True).returncode not in (0, 12)]
        for group in self.created_groups:
            subprocess.run(["groupdel", group], capture_output=True)
        if kept:
            print(f"could not delete users {', '.join(kept)}: remove them with userdel --remove", file=sys.stderr)


# --- the hub ---------------------------------------------------------------------------------------------


def hub_config(work, port, env, proxy, exchange, token):
    """A config file that loads deploy/jupyterhub_config.py and changes only ports, paths and the bench's service."""
    text = f"""
c = get_config()
load_subconfig({str(ROOT / "deploy" / "jupyterhub_config.py")!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]
c.JupyterHub.db_url = "sqlite:///{work}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{work}/cookie_secret"
c.JupyterHub.pid_file = "{work}/jupyterhub.pid"
c.Spawner.cmd = [{str(env / "bin" / "jupyterhub-singleuser")!r}]
c.Spawner.environment = {{"MKTLAB_EXCHANGE": {str(exchange)!r}}}
c.JupyterHub.services.append({{"name": "hub-load-bench", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "hub-load-bench", "services": ["hub-load-bench"],
                                 "scopes": ["admin:users", "admin:servers", "list:users"]}})
"""
    path = work / "jupyterhub_config.py"
    path.write_text(text)
    return path


class Hub:
    """JupyterHub started in its own process group from `config`; stopped with everything it started."""

    def __init__(self, config, work, url, token):
        self.config, self.work, self.url, self.token = config, work, url, token

    def __enter__(self):
        self.log = open(self.work / "hub.log", "w")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}   # servers keep PYTHONPATH: use the wheel
        self.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(self.config)], cwd=self.work,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited; see {self.work / 'hub.log'}")
            try:
                if self.api("get", "/hub/api/").ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the hub did not answer within 60 s")

    def api(self, method, path, token=None, **kwargs):
        """A hub REST call, with `token` (default: the bench's service token; "" for none)."""
        headers = {} if token == "" else {"Authorization": f"token {token or self.token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=60, **kwargs)

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)   # the hub stops its servers (cleanup_servers) and the proxy
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


# --- one student -----------------------------------------------------------------------------------------


def usage(uid):
    """PSS in MiB of the processes of `uid`, split into the server and its kernels, and their CPU seconds."""
    totals = {"server": 0.0, "kernel": 0.0, "cpu": 0.0}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid != uid:
                continue
            cmdline = (proc / "cmdline").read_bytes()
            rollup = (proc / "smaps_rollup").read_text()
            stat = (proc / "stat").read_text()
        except OSError:
            continue   # the process ended meanwhile
        pss_kb = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        totals["kernel" if b"ipykernel" in cmdline else "server"] += pss_kb / 1024
        utime, stime = stat.rsplit(")", 1)[1].split()[11:13]   # fields 14 and 15 of /proc/PID/stat
        totals["cpu"] += (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")
    return totals


def student(hub, name, password, lesson, picked, think, arrival, stop_at, rng):
    """One student's session; returns a dict of their timings, memory and submission result."""
    import pwd

    result = {"name": name, "cells": [], "errors": 0, "submitted": ""}
    time.sleep(arrival)
    login = hub.api("post", f"/hub/api/users/{name}/tokens", token="",
                    json={"auth": {"username": name, "password": password}, "note": "hub_load"})
    login.raise_for_status()
    token = login.json()["token"]
    start = time.perf_counter()
    hub.api("post", f"/hub/api/users/{name}/server", token=token).raise_for_status()
    while True:
        server = hub.api("get", f"/hub/api/users/{name}", token=token).json()["servers"].get("")
        if not server:
            raise RuntimeError(f"{name}: the hub gave up starting the server (see the hub log)")
        if server["ready"]:
            break
        if time.monotonic() > stop_at:
            raise TimeoutError(f"{name}: server not ready before the time limit")
        time.sleep(0.25)
    result["spawn"] = time.perf_counter() - start
    uid = pwd.getpwnam(name).pw_uid
    result["spawn_cpu"], ready_at = usage(uid)["cpu"], time.perf_counter()
    me = Student(hub, name, token)
    path = f"mktlab/{lesson}.ipynb"
    if me.request("GET", f"/api/contents/{path}?content=0").status_code != 200:
        raise RuntimeError(f"{name}: the handed-out {path} is not in their home")
    notebook = filled_copy(lesson, picked)
    me.save(path, json.loads(nbformat.writes(notebook)))
    kernel = me.open(path)
    try:
        for cell in notebook.cells:
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            if time.monotonic() > stop_at:
                raise TimeoutError(f"{name}: time limit reached while running cells")
            time.sleep(rng.uniform(0, 2 * think))
            start = time.perf_counter()
            printed = kernel.run(cell.source, timeout=120)
            result["cells"].append(time.perf_counter() - start)
            result["errors"] += "ERROR " in printed
        result["usage"] = usage(uid)
        result["lesson_seconds"] = time.perf_counter() - ready_at
        result["submitted"] = kernel.run("ex.submit()").strip()
    finally:
        kernel.close()
    return result


# --- the instructor --------------------------------------------------------------------------------------


def mktlab(*argv):
    """`python -m mktlab ARGV` from this checkout, as the instructor (root) runs it; returns seconds taken."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mktlab", *argv], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"mktlab {' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return time.perf_counter() - start


def gradebook(out):
    import csv

    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--lesson", default="01_marketing_concepts")
    parser.add_argument("--think", type=float, default=3.0, help="mean think time between cells, seconds")
    parser.add_argument("--arrival", type=float, default=20.0, help="students arrive within this many seconds")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="stop the whole run after this long")
    args = parser.parse_args()
    if not 1 <= args.students <= 200:
        parser.error("--students must be between 1 and 200")
    if shutil.which("npm") and not proxy_command():   # install the proxy where the hub test and CI put it
        run(["npm", "install", "--silent", "--prefix", str(ROOT / ".ci" / "node"), "configurable-http-proxy"])
    why = missing() or ("" if shutil.which("chpasswd") else "needs chpasswd")
    if why:
        sys.exit(f"hub_load.py {why}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    stop_at = time.monotonic() + args.max_seconds

    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB, "
          f"load average {os.getloadavg()[0]:.2f} at start, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    start = time.perf_counter()
    env = student_env()
    print(f"students' environment ready in {time.perf_counter() - start:.0f} s ({env})")

    work = Path(tempfile.mkdtemp(prefix="mktlab-hub-load-"))   # mode 0700: the hub's state and the results
    exchange = Path(tempfile.mkdtemp(prefix="mktlab-hub-load-", dir="/srv" if Path("/srv").is_dir() else None))
    exchange.chmod(0o755)
    exchange /= "exchange"
    port, token = free_port(), secrets.token_hex(32)
    rng = random.Random(13)
    solution = nbformat.read(ROOT / "solutions" / f"{args.lesson}.ipynb", as_version=4)
    picks = choices(solution, args.students)
    load, results, failures, rows, grade_seconds = [], [], [], [], None
    sampler_stop = threading.Event()
    threading.Thread(target=lambda: [load.append(os.getloadavg()[0]) for _ in iter(lambda: sampler_stop.wait(5), True)],
                     daemon=True).start()
    try:
        with ClassOfUsers(args.students) as users, \
                Hub(hub_config(work, port, env, proxy_command(), exchange, token), work, f"http://127.0.0.1:{port}",
                    token) as hub:
            hub.api("post", "/hub/api/users", json={"usernames": users.names}).raise_for_status()
            group = ["--exchange", str(exchange), "--group", INSTRUCTORS_GROUP]
            handout_seconds = mktlab("exchange", "open", args.lesson, *group)
            handout_seconds += mktlab("handout", args.lesson, "--users", *users.names, *group)
            print(f"exchange opened and lesson handed out to {args.students} students in {handout_seconds:.1f} s")
            with concurrent.futures.ThreadPoolExecutor(args.students) as pool:
                futures = [pool.submit(student, hub, name, users.passwords[name], args.lesson, picks[k], args.think,
                                       rng.uniform(0, args.arrival), stop_at, random.Random(k))
                           for k, name in enumerate(users.names)]
                for future in futures:
                    try:
                        results.append(future.result())
                    except Exception as error:   # a student's session broke: counted and reported, not hidden
                        failures.append(repr(error))
            sampler_stop.set()
            try:
                grade_seconds = mktlab("grade", args.lesson, "--exchange", str(exchange), "--out", str(work / "results"))
                rows = gradebook(work / "results")
            except RuntimeError as error:
                print(error)
    finally:
        sampler_stop.set()
        shutil.rmtree(exchange.parent, ignore_errors=True)

    report(args, results, failures, rows, grade_seconds, load, work)


def report(args, results, failures, rows, grade_seconds, load, work):
    print(f"students: {args.students}; sessions completed: {len(results)}; broken: {len(failures)}")
    for failure in failures:
        print(f"  broken session: {failure}")
    if not results:
        sys.exit(f"no session completed; see {work / 'hub.log'}")
    spawns = [r["spawn"] for r in results]
    cells = [s for r in results for s in r["cells"]]
    server = [r["usage"]["server"] for r in results]
    kernel = [r["usage"]["kernel"] for r in results]
    lesson_cores = [(r["usage"]["cpu"] - r["spawn_cpu"]) / r["lesson_seconds"] for r in results]
    graded = {row["student"] for row in rows if row["status"] == "ok"}
    submitted = {r["name"] for r in results if r["submitted"].startswith("✔ submitted")}
    for r in results:
        if r["name"] not in submitted:
            print(f"  {r['name']}: ex.submit() {r['submitted']}")
    print(f"spawn time: p50 {percentile(spawns, 50):.1f} s, p95 {percentile(spawns, 95):.1f} s, max {max(spawns):.1f} s")
    print(f"memory per active student (PSS, MiB): server {statistics.median(server):.0f}, "
          f"kernel {statistics.median(kernel):.0f}, together median {statistics.median(map(sum, zip(server, kernel))):.0f}, "
          f"max {max(map(sum, zip(server, kernel))):.0f}")
    print(f"CPU: {statistics.median(r['spawn_cpu'] for r in results):.1f} CPU-seconds to start a server (median); "
          f"during the lesson {statistics.mean(lesson_cores):.3f} cores per student on average "
          f"(think time {args.think:g} s), i.e. {1 / statistics.mean(lesson_cores):.0f} students per core")
    print(f"cell latency under load ({len(cells)} cells): p50 {percentile(cells, 50) * 1000:.0f} ms, "
          f"p95 {percentile(cells, 95) * 1000:.0f} ms; cells that raised: {sum(r['errors'] for r in results)}")
    print(f"submissions: {len(submitted)} confirmed by ex.submit(); graded ok: {len(graded & submitted)}; "
          f"lost: {len(submitted - graded)}")
    if grade_seconds is not None:
        print(f"collect and grade (mktlab grade --exchange): {grade_seconds:.1f} s for {len(rows)} students")
    print(f"load average during the class: mean {statistics.mean(load or [0]):.2f}, max {max(load or [0]):.2f}")
    print(f"hub log and results kept in {work}")


if __name__ == "__main__":
    main()
