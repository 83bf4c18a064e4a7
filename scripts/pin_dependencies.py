"""Pin the container image's dependencies: ``deploy/constraints.txt`` lists every package askbot
needs at run time (pyproject's ``dependencies`` and everything they pull in), each at the version
installed in this environment, so every image build installs the same versions.

    .venv/bin/python scripts/pin_dependencies.py           # rewrite deploy/constraints.txt
    .venv/bin/python scripts/pin_dependencies.py --check   # exit 1 if it differs from this

Run it after changing pyproject's dependencies or upgrading packages, then rebuild and test the
image. ``tests/test_ops.py`` checks that the file still satisfies pyproject.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "deploy" / "constraints.txt"
HEADER = (
    "# The container image's run-time dependencies, pinned (pip install --constraint).\n"
    "# Written by scripts/pin_dependencies.py from an environment with askbot installed; do not\n"
    "# edit by hand: change pyproject.toml, upgrade, and run the script again.\n"
)


def project_requirements() -> list[Requirement]:
    """pyproject's run-time ``dependencies`` (not the dev extra)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def applies(requirement: Requirement, extras: frozenset[str] = frozenset()) -> bool:
    """Whether ``requirement`` holds on this platform, for a package installed with ``extras``."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras or {""})


def installed_closure(requirements: list[Requirement]) -> dict[str, str]:
    """Every distribution ``requirements`` pull in, as installed here: canonical name -> version."""
    versions: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    pending = [(requirement, frozenset[str]()) for requirement in requirements]
    while pending:
        requirement, parent_extras = pending.pop()
        if not applies(requirement, parent_extras):
            continue
        name, extras = canonicalize_name(requirement.name), frozenset(requirement.extras)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        distribution = metadata.distribution(name)
        versions[name] = distribution.version
        pending += [(Requirement(text), extras) for text in distribution.requires or []]
    return versions


def read_constraints(path: Path = CONSTRAINTS) -> dict[str, str]:
    """The pins in a constraints file: canonical name -> version; anything but ``name==version``
    (or a comment) is a ValueError."""
    pins = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        if not sep or not name or not version or " " in line:
            raise ValueError(f"{path.name}:{number}: not an exact pin (name==version): {line}")
        pins[canonicalize_name(name)] = version
    return pins


def render(versions: dict[str, str]) -> str:
    return HEADER + "".join(f"{name}=={versions[name]}\n" for name in sorted(versions))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    try:
        wanted = render(installed_closure(project_requirements()))
    except metadata.PackageNotFoundError as exc:
        print(f"{exc.name} is not installed here: install askbot first", file=sys.stderr)
        return 2
    if args.check:
        current = CONSTRAINTS.read_text(encoding="utf-8") if CONSTRAINTS.exists() else ""
        print("up to date" if current == wanted else f"differs; it should read:\n{wanted}")
        return 0 if current == wanted else 1
    CONSTRAINTS.write_text(wanted, encoding="utf-8")
    print(f"wrote {CONSTRAINTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
