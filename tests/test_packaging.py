"""The installed package ships its assets: build a wheel, look inside, install it and run it elsewhere.

Marked `packaging` (a few seconds); it runs in the normal suite. No network: the wheel is built without
build isolation and installed without dependencies into a venv that sees the test environment's packages.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.packaging

SKIP = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "output", "*.egg-info", "__pycache__", ".*_cache", "bench"
)


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300
    )  # fmt: skip
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)  # build from a copy: nothing is written into the checkout
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
          str(source)], cwd=work)  # fmt: skip
    (built,) = dist.glob("formkit-*.whl")
    return built


def test_wheel_holds_cli_every_module_and_every_asset(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cli.py" in names
    for must in ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "fonts/LICENSE-DejaVu.txt",
                 "profiles/mersin.toml"):  # fmt: skip
        assert f"formkit/assets/{must}" in names
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "formkit").rglob("*.py"))
    missing = [m for m in modules if m not in names]
    assert not missing, f"not in the wheel (add the package to [tool.setuptools] packages): {missing}"
    assets = sorted(
        p.relative_to(ROOT / "assets").as_posix()
        for p in (ROOT / "assets").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    missing = [a for a in assets if f"formkit/assets/{a}" not in names]
    assert not missing, f"assets not in the wheel (see [tool.setuptools.package-data]): {missing}"
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "formkit = cli:main" in entry


def test_wheel_holds_the_web_forms_templates_and_static_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    web = ROOT / "formkit" / "web"
    shipped = sorted(
        p.relative_to(ROOT).as_posix() for p in web.rglob("*") if p.suffix in {".html", ".js", ".css"}
    )
    assert shipped and not [name for name in shipped if name not in names]


def test_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "env"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    scripts = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    # The test environment's packages (click, reportlab, ...) stay visible, after the venv's own ones.
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path)
    Path(purelib.stdout.strip(), "formkit-test-deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
          str(wheel)], cwd=tmp_path)  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = _run([str(python), "-c", "import formkit, cli; print(formkit.__file__); print(cli.__file__)"],
                 elsewhere, env)  # fmt: skip
    for line in where.stdout.split():
        assert Path(line).resolve().is_relative_to(env_dir.resolve()), line  # the installed copy, not ROOT
    formkit = scripts / ("formkit.exe" if os.name == "nt" else "formkit")
    shown = _run([str(formkit), "profile", "show"], elsewhere, env)
    assert "TR41 0001 2009 5940 0005 0000 47" in shown.stdout and "1.080,00 TL" in shown.stdout
    assert "(yerleşik) mersin.toml" in shown.stdout
    checked = _run([str(formkit), "validate", str(ROOT / "examples" / "applicants.csv")], elsewhere, env)
    assert "12 satır, hepsi geçerli" in checked.stdout
