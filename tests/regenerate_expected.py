"""Regenerate tests/expected/ from ProbLog 2.3 (the oracle), so the corpus tests need no ProbLog.

Usage (from the repository root)::

    .venv/bin/python tests/regenerate_expected.py            # rewrite everything
    .venv/bin/python tests/regenerate_expected.py dice smokers   # only these programs
    .venv/bin/python tests/regenerate_expected.py --check    # compare, write nothing; exit 1
                                                             # when an expected file is stale

What it writes:

* ``tests/expected/NAME.json`` for each ``tests/programs/NAME.pl``::

      {"file": "NAME.pl", "problog": "2.3.0", "compiler": "sdd",
       "marginals": {"atom": probability, ...}}     # in ProbLog's result order

* ``tests/expected/NAME.txt``: the standard output of ProbLog's own command line
  (``problog NAME.pl``) for the same file, byte for byte. ProbLog's command line sorts the
  lines by the text of the atom and pads them (atoms right-aligned, numbers ``%.8g`` padded to
  10 columns); the tests compare our command line against it after removing that padding.

* ``tests/expected/errors/NAME.json`` for each ``tests/programs/errors/NAME.pl``::

      {"file": "NAME.pl", "error": ["ProgramError", ...], "locations": [[4, 1], ...] | null,
       "problog": {"error": "InvalidValue", "message": "...", "line": null, "column": null}}

  The expected problogic error comes from the header line of the program,
  ``% expect: CLASS[|CLASS...] [at LINE:COL[|LINE:COL...]]``: any listed class is accepted
  (exactly, or a subclass of it), and any listed location; without ``at`` no location is
  required. The header is the source of truth; the ``problog`` entry records what ProbLog did
  with the same file (its error and location, ``{"timeout": seconds}`` when it ran forever,
  or ``{"marginals": ...}`` when it accepted the program) for reference. A warning is printed
  when ProbLog reported a location that the header does not accept.

ProbLog runs in a subprocess per file with a time limit (see tests/oracle.py), with the SDD
knowledge compiler when PySDD is installed (``pip install pysdd``), else with d-DNNF (dsharp);
both are exact.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
ERROR_PROGRAMS = PROGRAMS / "errors"
EXPECTED = HERE / "expected"
EXPECTED_ERRORS = EXPECTED / "errors"

# ProbLog loops forever on unbounded recursion: give it this long before recording a timeout.
ERROR_TIMEOUT_S = 15
PROGRAM_TIMEOUT_S = 300

_EXPECT = re.compile(r"^%\s*expect:\s*(?P<classes>[A-Za-z|]+)(?:\s+at\s+(?P<locs>[0-9:|]+))?\s*$")


@dataclass(frozen=True)
class ExpectedError:
    """What a file in tests/programs/errors/ must raise."""

    classes: tuple[str, ...]
    locations: tuple[tuple[int, int], ...] | None  # None: no location is required

    def to_json(self) -> dict:
        return {
            "error": list(self.classes),
            "locations": None if self.locations is None else [list(loc) for loc in self.locations],
        }


def parse_expect_header(source: str) -> ExpectedError:
    """Read the ``% expect: ...`` line of an error program."""
    for line in source.splitlines():
        match = _EXPECT.match(line.strip())
        if match:
            classes = tuple(match["classes"].split("|"))
            locations = None
            if match["locs"]:
                locations = tuple(
                    tuple(int(part) for part in loc.split(":")) for loc in match["locs"].split("|")
                )
            return ExpectedError(classes, locations)
    raise ValueError("no '% expect: CLASS [at LINE:COL]' line")


def corpus_files() -> list[Path]:
    return sorted(PROGRAMS.glob("*.pl"))


def error_files() -> list[Path]:
    return sorted(ERROR_PROGRAMS.glob("*.pl"))


def _problog_version() -> str:
    from problog.version import version

    return version


def expected_marginals(path: Path) -> dict:
    import oracle

    marginals = oracle.problog_marginals(path.read_text(), timeout=PROGRAM_TIMEOUT_S)
    return {
        "file": path.name,
        "problog": _problog_version(),
        "compiler": oracle.knowledge_compiler(),
        "marginals": marginals,
    }


def expected_cli_text(path: Path) -> str:
    import oracle

    code, stdout = oracle.problog_cli_output(path, timeout=PROGRAM_TIMEOUT_S)
    if code != 0:
        raise RuntimeError(f"problog's command line failed on {path.name}:\n{stdout}")
    return stdout


def expected_error(path: Path) -> dict:
    import oracle

    source = path.read_text()
    expected = parse_expect_header(source).to_json()
    try:
        marginals = oracle.problog_marginals(source, timeout=ERROR_TIMEOUT_S)
    except oracle.OracleTimeout:
        problog = {"timeout": ERROR_TIMEOUT_S}
    except oracle.OracleError as err:
        problog = {"error": err.name, "message": err.message, "line": err.line, "column": err.column}
        if (
            err.line is not None
            and expected["locations"] is not None
            and [err.line, err.column] not in expected["locations"]
        ):
            print(
                f"warning: {path.name}: ProbLog reports {err.line}:{err.column}, "
                f"which the header does not accept",
                file=sys.stderr,
            )
    else:
        problog = {"marginals": marginals}
    return {"file": path.name, **expected, "problog": problog}


def _dump(data) -> str:
    return json.dumps(data, indent=2) + "\n"


def _jobs(names: set[str] | None):
    """(target path, function producing its text) for every expected file to (re)generate."""
    for path in corpus_files():
        if names and path.stem not in names:
            continue
        yield EXPECTED / f"{path.stem}.json", lambda p=path: _dump(expected_marginals(p))
        yield EXPECTED / f"{path.stem}.txt", lambda p=path: expected_cli_text(p)
    for path in error_files():
        if names and path.stem not in names:
            continue
        yield EXPECTED_ERRORS / f"{path.stem}.json", lambda p=path: _dump(expected_error(p))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="program names (file stems); default: all")
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    parser.add_argument("--jobs", type=int, default=2, help="parallel ProbLog runs")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(HERE))
    EXPECTED_ERRORS.mkdir(parents=True, exist_ok=True)
    jobs = list(_jobs(set(args.names) or None))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        texts = list(pool.map(lambda job: job[1](), jobs))

    stale = 0
    for (target, _), text in zip(jobs, texts):
        old = target.read_text() if target.exists() else None
        if old == text:
            continue
        stale += 1
        print(f"{'stale' if args.check else 'wrote'}: {target.relative_to(HERE.parent)}")
        if not args.check:
            target.write_text(text)
    if not args.names:
        known = {target for target, _ in jobs}
        for orphan in sorted(set(EXPECTED.glob("*.*")) | set(EXPECTED_ERRORS.glob("*.json"))):
            if orphan not in known:
                stale += 1
                print(f"orphan (no program): {orphan.relative_to(HERE.parent)}")
    print(f"{len(jobs)} expected files, {stale} {'stale' if args.check else 'changed'}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
