# JupyterHub for one mktlab class on one Linux server.  See deploy/README.md for the whole set-up.
#
#   /opt/mktlab/venv/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py     (as root, e.g. from systemd)
#
# What runs where:
# * the hub runs as root (it must, to start servers as other users) from /opt/mktlab/venv, a virtual
#   environment made with the system's python3 in a world-readable place, with the course installed
#   from its wheel; students' servers and kernels run from the same environment, each as its student;
# * configurable-http-proxy comes from npm, installed under /opt/mktlab/node_modules;
# * only 127.0.0.1:8000 is served: put a TLS-terminating reverse proxy (nginx, Caddy) in front,
#   since students type passwords into the login page.
import os
import sys

PREFIX = "/opt/mktlab"                       # venv/ and node_modules/ live here
STATE = "/srv/jupyterhub"                    # the hub's database and cookie secret (mode 0700)
EXCHANGE = "/srv/mktlab/exchange"            # the exchange of `mktlab handout/submit/grade/return`
STUDENTS_GROUP = "mktlab-students"           # Unix group of the students who may log in
INSTRUCTORS_GROUP = "mktlab-instructors"     # Unix group of the instructors: hub admins
MEMORY_LIMIT = "1G"                          # per student: server plus kernels (see SPAWNER)
CPU_LIMIT = 1.0                              # cores per student (see SPAWNER)
IDLE_TIMEOUT = 3600                          # seconds without activity before a server is stopped
# "localprocess" (any Linux) or "systemd" (needs systemd as PID 1 and jupyterhub-systemdspawner):
SPAWNER = os.environ.get("MKTLAB_SPAWNER", "localprocess")

c = get_config()  # noqa: F821 -- provided by JupyterHub when it loads this file

c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.db_url = f"sqlite:///{STATE}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{STATE}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.command = [f"{PREFIX}/node_modules/.bin/configurable-http-proxy"]

# --- Who may log in ----------------------------------------------------------------------------------
# PAM: students log in with the Unix account and password the administrator created for them.  The
# exchange needs a real Unix user per student anyway (its permissions are Unix permissions), so PAM
# adds no second list of accounts to keep in sync, and no self sign-up that a student could use to
# claim a classmate's name.  Membership of a Unix group is the allowed list; the instructors' group
# makes hub admins (they can stop servers and see the admin page).
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {STUDENTS_GROUP, INSTRUCTORS_GROUP}
c.PAMAuthenticator.admin_groups = {INSTRUCTORS_GROUP}

# --- Students' servers -------------------------------------------------------------------------------
c.Spawner.cmd = [f"{PREFIX}/venv/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab/tree/mktlab"   # `mktlab handout` puts lessons in ~/mktlab
c.Spawner.environment = {"MKTLAB_EXCHANGE": EXCHANGE}
c.Spawner.mem_limit = MEMORY_LIMIT
c.Spawner.cpu_limit = CPU_LIMIT
# A class logging in at once makes every server start slowly: with 60 s, 4 of 30 servers on a busy
# 2-core machine were given up on (bench/hub_load.py), so allow two minutes for both steps.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
if SPAWNER == "systemd":
    # Each server and its kernels run in a transient systemd unit whose cgroup enforces mem_limit
    # (MemoryMax) and cpu_limit (CPUQuota), as the student's own Unix user.
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = False
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.unit_extra_properties = {"TasksMax": "256"}
else:
    # LocalProcessSpawner starts the server as the student's Unix user, but it enforces neither
    # limit: it only passes MEM_LIMIT and CPU_LIMIT to the server as environment variables (shown by
    # jupyter-resource-usage).  One student's runaway kernel can use the whole machine's memory.
    c.JupyterHub.spawner_class = "localprocess"

# --- Idle culling: stop servers nobody has used for IDLE_TIMEOUT seconds ------------------------------
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}", "--cull-every=300"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
