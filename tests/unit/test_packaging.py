"""A plain wheel build ships the catalog inside the package and the console script."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(folder), str(ROOT)],
        check=True, capture_output=True,
    )
    return next(folder.glob("cam_policy_ls-*.whl"))


def test_wheel_contains_catalog(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "cam_policy_ls/catalog/kms.yaml" in names
    assert "cam_policy_ls/catalog/language.yaml" in names


def test_wheel_console_script(wheel):
    archive = zipfile.ZipFile(wheel)
    entry_points = next(name for name in archive.namelist() if name.endswith("entry_points.txt"))
    assert "cam-policy-ls = cam_policy_ls.cli:main" in archive.read(entry_points).decode()


def test_installed_wheel_loads_catalog(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # PYTHONPATH comes before the editable install, so this runs the unpacked wheel.
    script = "import cam_policy_ls.catalog as c; print(c.default_catalog_dir()); print(c.load_catalog().api_count)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(site), "PATH": ""}, cwd=tmp_path)
    assert result.stdout.splitlines() == [str(site / "cam_policy_ls" / "catalog"), "85"]
