"""The toggle state of `status` and of `check --format json` module rows (SPEC §5): `wired`,
`partial`, `undeclared`, `missing`, or null, with the part that fails."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import check_json, make_repo, run_cli

REGISTRY = """\
schema = 1

[project]
config_templates = ["cmake/config.cmake"]

[modules.wired]
stage = "s0"
paths = ["src/wired/"]
toggles = [{ cmake = "USE_WIRED" }]

[modules.notemplate]
stage = "s0"
paths = ["src/notemplate/"]
toggles = [{ cmake = "USE_NOTEMPLATE" }]

[modules.undeclared]
stage = "s0"
paths = ["src/undeclared/"]
toggles = [{ cmake = "USE_UNDECLARED" }]

[modules.partial]
stage = "s2"
paths = ["src/partial/"]
toggles = [{ cmake = "USE_PARTIAL" }]

[modules.leaky]
stage = "s0"
paths = ["src/leaky/"]
toggles = [{ cmake = "USE_LEAKY" }]

[modules.bare]
stage = "proposed"
paths = ["src/bare/"]

[modules.envonly]
stage = "s0"
paths = ["pkg/envonly/"]
toggles = [{ env = "PKG_ENVONLY" }]

[modules.gone]
stage = "removed"
paths = ["src/gone/"]
toggles = [{ cmake = "USE_GONE" }]
history = [{ date = 2024-01-01, stage = "removed", reason = "unused" }]
"""

CMAKE = """\
option(USE_WIRED "w" OFF)
option(USE_NOTEMPLATE "n" OFF)
option(USE_PARTIAL "p" OFF)
option(USE_LEAKY "l" OFF)
if(USE_WIRED)
  add_library(w src/wired/w.cc)
endif()
if(USE_NOTEMPLATE)
  add_library(n src/notemplate/n.cc)
endif()
if(USE_UNDECLARED)
  add_library(u src/undeclared/u.cc)
endif()
add_library(p src/partial/p.cc)
if(USE_LEAKY)
  add_library(l src/leaky/l.cc)
endif()
"""


def _repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "r",
        {
            "scoped.toml": REGISTRY,
            "CMakeLists.txt": CMAKE,
            "cmake/config.cmake": "set(USE_WIRED OFF)\nset(USE_PARTIAL OFF)\nset(USE_LEAKY OFF)\n"
            "set(USE_UNDECLARED OFF)\n",
            "src/wired/w.cc": "int w();\n",
            "src/notemplate/n.cc": "int n();\n",
            "src/undeclared/u.cc": "int u();\n",
            "src/partial/p.cc": "int p();\n",
            "src/leaky/l.cc": "int l();\n",
            "src/leaky/l.h": "int l();\n",
            "src/core.cc": '#include "leaky/l.h"\n',  # an unguarded include: SM003
            "src/bare/b.cc": "int b();\n",
            "pkg/__init__.py": "from . import envonly  # not guarded, and nothing reads PKG_ENVONLY\n",
            "pkg/envonly/__init__.py": "",
        },
    )


def _states(rows: list[dict]) -> dict[str, tuple[str | None, str | None]]:
    return {r["name"]: (r["toggle"]["state"], r["toggle"]["detail"]) for r in rows}


def test_status_and_check_say_the_state_and_what_fails(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, out, err = run_cli(root, "status", "--format", "json", "--no-cache")
    assert code == 0, err
    status = json.loads(out)["modules"]
    states = _states(status)
    assert states["wired"] == ("wired", None)
    # only missing from the config template: still wired, with the warning as detail
    assert states["notemplate"] == (
        "wired",
        "'USE_NOTEMPLATE' is missing from every config template",
    )
    assert states["undeclared"] == (
        "undeclared",
        "'USE_UNDECLARED' is declared by no CMake option command",
    )
    # at s2 SM007 is not checked, but the toggle still builds the source
    assert states["partial"] == (
        "partial",
        "1 source built with the toggle off (SM007): src/partial/p.cc",
    )
    # an inbound reference that is not wiring (SM003) does not make the toggle partial
    assert states["leaky"] == (None, "1 inbound reference not wiring (SM003)")
    assert states["bare"] == ("missing", "no toggle declared")
    assert states["envonly"][0] == "undeclared"
    assert "'PKG_ENVONLY' is read by no file that wires the module" in states["envonly"][1]
    assert "1 inbound reference not wiring (SM003)" in states["envonly"][1]
    assert states["gone"] == (None, None)
    assert next(r for r in status if r["name"] == "wired")["toggle"]["names"] == ["USE_WIRED"]
    # `check --format json` carries the same toggle in its module rows
    _code, report = check_json(root, "--no-cache")
    assert _states(report["modules"]) == states
    # the text table shows the state
    code, text, _err = run_cli(root, "status", "--no-cache")
    line = next(x for x in text.splitlines() if x.startswith("leaky "))
    assert " n/a " in line and "partial" not in line
    assert "partial" in next(x for x in text.splitlines() if x.startswith("partial "))
