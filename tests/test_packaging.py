"""The installed package is the source tree: CI installs with `pip install .` (not editable), and a
package left out of pyproject.toml's list once made every installed command fail on import while the
tests, which import the checkout, all passed."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_holds_every_file_of_the_package(tmp_path):
    # Build from a copy, so that setuptools' build/ and egg-info never land in the checkout.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "symbackprop", source / "symbackprop",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = tmp_path / "wheels"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q",
                             "-w", str(wheels)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = wheels.glob("symbackprop-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = {path.relative_to(source).as_posix() for path in (source / "symbackprop").rglob("*")
                if path.is_file()}
    assert expected, "the package has no files?"
    assert expected - shipped == set()
