"""References through import aliases (issue 7, case 9; SPEC §3 `python-attribute`).

`import proj as pj` ... `pj.masked.array(...)`, `from proj import core` ...
`core.backend.vendor.accel.Offload()`: the chain after the bound name names a module file, so it
is a `python-attribute` reference, resolved like any other (textual, per file; a local
rebinding is ignored).
"""

from __future__ import annotations

import json

from helpers import check_json, run_cli

REGISTRY = """
schema = 1

[project]
python_roots = ["python"]

[[people.person]]
handle = "pat"
roles = [{ role = "pmc", since = 2020-01-01 }]

[modules.masked]
stage = "proposed"
paths = ["python/proj/masked/"]
toggles = [{ env = "USE_MASKED" }]
owners = ["pat"]
champion = "pat"

[modules.accel]
stage = "proposed"
paths = ["python/proj/core/backend/vendor/"]
toggles = [{ env = "USE_ACCEL" }]
owners = ["pat"]
champion = "pat"
"""

PACKAGE = {
    "scoped.toml": REGISTRY,
    "python/proj/__init__.py": "",
    "python/proj/masked/__init__.py": "def array(x):\n    return x\n",
    "python/proj/core/__init__.py": "",
    "python/proj/core/backend/__init__.py": "",
    "python/proj/core/backend/vendor/__init__.py": "",
    "python/proj/core/backend/vendor/accel.py": "class Offload:\n    pass\n",
}

APP = """\
import os
import proj as pj
from proj import core
from proj.core import backend as be


def run():
    x = pj.masked.array([1])
    return core.backend.vendor.accel.Offload(x)


def guarded():
    if os.environ.get("USE_ACCEL") == "1":
        return be.vendor.accel.Offload()
    return pj.core.backend  # names no module file: not a reference into a module


def rebound(pj):
    return pj.masked.array  # local rebinding is ignored: still proj.masked
"""


def sm003(report: dict) -> list[tuple]:
    return sorted(
        (f["module"], f["path"], f["line"], f["kind"], f["target"], f["evidence"])
        for f in report["findings"]
        if f["rule"] == "SM003"
    )


def test_chains_through_aliases_reach_module_files(repo) -> None:
    root = repo({**PACKAGE, "python/app/main.py": APP})
    code, report = check_json(root)
    assert code == 1
    accel = "python/proj/core/backend/vendor/accel.py"
    masked = "python/proj/masked/__init__.py"
    assert sm003(report) == [
        (
            "accel",
            "python/app/main.py",
            9,
            "python-attribute",
            accel,
            "return core.backend.vendor.accel.Offload(x)",
        ),
        ("masked", "python/app/main.py", 8, "python-attribute", masked, "x = pj.masked.array([1])"),
        (
            "masked",
            "python/app/main.py",
            19,
            "python-attribute",
            masked,
            "return pj.masked.array # local rebinding is ignored: still proj.masked",
        ),
    ]
    # the guarded chain through the second alias is wiring, shown by `deps`
    code, out, _ = run_cli(root, "deps", "accel", "--format", "json")
    inbound = sorted(
        (r["path"], r["line"], r["kind"], r["wiring"]) for r in json.loads(out)["inbound"]
    )
    assert inbound == [
        ("python/app/main.py", 9, "python-attribute", None),
        ("python/app/main.py", 14, "python-attribute", "USE_ACCEL"),
    ]


def test_an_alias_of_a_module_file_itself(repo) -> None:
    files = {
        **PACKAGE,
        "python/app/use.py": (
            "import proj.core.backend.vendor.accel as acc\n"
            "from proj.core.backend import vendor as v\n"
            "acc.Offload()\n"
            "v.accel.Offload()\n"
        ),
    }
    root = repo(files)
    _, report = check_json(root)
    got = [(m, line, kind) for m, _p, line, kind, _t, _e in sm003(report)]
    assert got == [
        ("accel", 1, "python-import"),
        ("accel", 2, "python-import"),
        ("accel", 3, "python-attribute"),
        ("accel", 4, "python-attribute"),
    ]


def test_uses_of_a_name_bound_under_the_toggle_are_wiring_too(repo) -> None:
    files = {
        **PACKAGE,
        "python/app/opt.py": (
            "import os\n"
            'if os.environ.get("USE_ACCEL") == "1":\n'
            "    from proj.core.backend.vendor import accel\n"
            "else:\n"
            "    accel = None\n"
            "try:\n"
            "    import proj.masked as ma\n"
            "except ImportError:\n"
            "    ma = None\n"
            "\n"
            "def run(x):\n"
            "    if accel is not None:\n"
            "        return accel.Offload(x)\n"
            "    return ma.array(x) if ma else x\n"
        ),
    }
    root = repo(files)
    _, report = check_json(root)
    got = sorted(
        (f["module"], f["line"], f["kind"], f["severity"])
        for f in report["findings"]
        if f["rule"] == "SM003"
    )
    # deleting accel leaves the guarded use as dead as the guarded import: no finding; the
    # optional import and its use are judged alike
    assert [g[:3] for g in got] == [
        ("masked", 7, "python-import"),
        ("masked", 14, "python-attribute"),
    ]
    assert len({g[3] for g in got}) == 1
    _, out, _ = run_cli(root, "deps", "accel", "--format", "json")
    inbound = sorted((r["line"], r["kind"], r["wiring"]) for r in json.loads(out)["inbound"])
    assert inbound == [(3, "python-import", "USE_ACCEL"), (13, "python-attribute", "USE_ACCEL")]
