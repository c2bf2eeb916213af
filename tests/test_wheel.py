"""The course installs as an ordinary wheel, with its data and keys, and a lesson runs from any folder.

The wheel is built offline from a copy of the source (``pip wheel --no-deps
--no-build-isolation``) and installed with ``--no-deps`` into a fresh virtual
environment.  That environment sees the test environment's third-party
packages through a ``.pth`` file; path entries added that way are not scanned
for ``.pth`` files of their own, so an editable mktlab there cannot leak in.
"""
import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON = "01_marketing_concepts"


def repo_files(folder, patterns=("*",)):
    """Files of the repository under ``folder`` matching ``patterns``, relative to it (no caches)."""
    return {str(p.relative_to(ROOT / folder)) for pattern in patterns for p in (ROOT / folder).glob(pattern)
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(wheel, python)``: the built wheel, and the interpreter of a fresh venv it is installed in."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("mktlab", "datasets"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"),
                    str(source)], check=True, capture_output=True)
    wheel, = (tmp / "dist").glob("mktlab-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    inner = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                           check=True, capture_output=True, text=True).stdout.strip()
    Path(inner, "outer-environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)], check=True,
                   capture_output=True)
    return wheel, python


def test_the_wheel_holds_the_package_its_keys_and_every_dataset_but_no_build_scripts(installed):
    """Every file of mktlab/ (code and keys) and each datasets/*.csv and *.md is in the wheel; datasets/build is not."""
    wheel, _ = installed
    names = {n for n in zipfile.ZipFile(wheel).namelist() if not n.startswith("mktlab-")}
    expected = {f"mktlab/{f}" for f in repo_files("mktlab", ("**/*",)) if not f.endswith(".pyc")}
    expected |= {f"mktlab/datasets/{f}" for f in repo_files("datasets", ("*.csv", "*.md", "__init__.py"))}
    assert names == expected
    assert len([n for n in names if n.startswith("mktlab/datasets/") and n.endswith(".csv")]) >= 18


def test_a_lesson_runs_from_a_folder_outside_the_repository(installed, tmp_path):
    """The student copy of lesson 01, run by the wheel's mktlab in an empty folder, runs with no error,
    loads every dataset from the installed package and reads its keys (check lines, no missing-keys problem)."""
    _, python = installed
    nb = nbformat.read(ROOT / "notebooks" / f"{LESSON}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json, mktlab\n"
        "from mktlab.data import DATA_DIR, load_dataset\n"
        "print(json.dumps({'mktlab': mktlab.__file__, 'data': str(DATA_DIR),\n"
        "                  'rows': {p.stem: len(load_dataset(p.stem)) for p in DATA_DIR.glob('*.csv')}}))"))
    nbformat.write(nb, tmp_path / f"{LESSON}.ipynb")
    run = ("import sys, nbformat\nfrom nbclient import NotebookClient\n"
           f"nb = nbformat.read('{LESSON}.ipynb', as_version=4)\n"
           "NotebookClient(nb, timeout=60, kernel_name='python3').execute()\n"
           f"nbformat.write(nb, '{LESSON}.ipynb')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MKTLAB_DATA")}
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter")  # a kernel spec of its own: the new venv's Python
    spec = tmp_path / "jupyter" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(json.dumps({"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                "display_name": "Python 3", "language": "python"}))
    done = subprocess.run([python, "-c", run], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    executed = nbformat.read(tmp_path / f"{LESSON}.ipynb", as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "not answered yet" in text and "could not be read" not in text
    found = json.loads(executed.cells[-1].outputs[0]["text"])
    venv = python.parent.parent
    assert Path(found["mktlab"]).is_relative_to(venv) and Path(found["data"]).is_relative_to(venv)
    assert set(found["rows"]) == {p.stem for p in (ROOT / "datasets").glob("*.csv")}
    assert all(found["rows"].values())
