"""The two environment files list the same packages, and importing mktlab stays cheap."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_environment_yml_lists_the_pyproject_dependencies():
    """Conda's package list equals pyproject's dependency names (plus python and pip)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    wanted = {re.match(r"[A-Za-z0-9_.-]+", dep).group().lower() for dep in project}
    text = (ROOT / "environment.yml").read_text()
    dependencies = text.split("dependencies:", 1)[1]
    listed = set(re.findall(r"^  - ([A-Za-z0-9_.-]+)", dependencies, re.M))
    assert listed - {"python", "pip"} == wanted


def test_importing_mktlab_loads_no_heavy_library():
    """`import mktlab` imports neither pandas, matplotlib, nbformat nor ipywidgets."""
    code = ("import sys, mktlab; heavy = {'pandas', 'matplotlib', 'nbformat', 'ipywidgets', 'numpy'};"
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
