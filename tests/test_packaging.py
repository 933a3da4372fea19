"""What an install carries: the apps, not the benchmark harness or the tests; and the
benchmark results in git are exactly the ones .gitignore lets in."""

import subprocess
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _our_apps() -> set[str]:
    """Every app of ours in INSTALLED_APPS (a folder of this repository), and the project."""
    from django.conf import settings

    tops = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    return {top for top in tops if (ROOT / top / "__init__.py").is_file()} | {"backend"}


def _packages() -> set[str]:
    """The packages setuptools' `packages.find` picks, by its rule: dotted names of folders
    with an __init__.py, matched with fnmatch against include, then exclude."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = config["packages"]["find"]
    names = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in ROOT.rglob("__init__.py")
        if ".venv" not in init.parts and "node_modules" not in init.parts
    }
    return {
        name
        for name in names
        if any(fnmatchcase(name, p) for p in found["include"])
        and not any(fnmatchcase(name, p) for p in found.get("exclude", ()))
    }


def test_the_wheel_holds_the_apps_and_neither_bench_nor_tests():
    packages = _packages()
    tops = {name.split(".")[0] for name in packages}
    assert _our_apps() - tops == set(), "an installed app the wheel leaves out"
    assert not {"bench", "tests"} & tops
    assert "surveys.migrations" in packages


def test_committed_benchmark_results_are_the_ones_gitignore_lets_in():
    def git(*args: str) -> list[str]:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return sorted(line for line in out.stdout.splitlines() if line.endswith(".json"))

    tracked = git("ls-files", "bench/results")
    # Tracked files that an ignore rule matches: a run committed without its `!` line.
    ignored_but_tracked = git(
        "ls-files", "--cached", "--ignored", "--exclude-standard", "bench/results"
    )
    assert tracked, "the quoted benchmark runs are committed"
    assert ignored_but_tracked == []
