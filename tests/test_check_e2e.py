"""`scoped check` end to end on generated git repositories (SPEC §3, §4, §5)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import (
    UMA_CMAKE,
    base_files,
    check_json,
    findings,
    git,
    make_repo,
    run_cli,
    shared_file,
    write_tree,
)


def test_clean_module_has_no_boundary_findings(repo) -> None:
    root = repo(base_files())
    code, report = check_json(root)
    assert findings(report, "SM003") == [] and findings(report, "SM007") == []
    assert findings(report, "SM001") == [] and findings(report, "SM006") == []
    row = report["modules"][0]
    assert row["name"] == "uma" and row["inbound"] == 0
    assert row["files"] == 5
    assert report["summary"]["files"] == 11
    assert report["root"] == str(root)


def test_core_import_is_sm003_with_exact_json_shape(repo) -> None:
    files = base_files()
    files["python/pkg/core.py"] = (
        '"""Docs.\n\n    import pkg.uma\n"""\n# from pkg.uma import backend\nimport os\nfrom pkg.uma import backend\n'
    )
    root = repo(files)
    code, report = check_json(root)
    assert code == 1
    (f,) = findings(report, "SM003")
    assert f == {
        "rule": "SM003",
        "name": "inbound-reference",
        "severity": "error",
        "module": "uma",
        "path": "python/pkg/core.py",
        "line": 7,
        "kind": "python-import",
        "type_checking": False,
        "evidence": "from pkg.uma import backend",
        "target": "python/pkg/uma/backend.py",
        "message": "core file imports module 'uma'; deleting the module would break it",
        "hint": "move the code into the module, guard it with the toggle, or integrate through an S1 RFC",
    }
    assert set(report) == {"schema", "tool", "root", "summary", "modules", "findings", "notes"}
    assert set(report["summary"]) == {"files", "modules", "errors", "warnings", "notes", "seconds"}
    assert report["modules"][0]["status"] == "error" and report["modules"][0]["inbound"] == 1


def test_wiring_under_toggle_is_not_an_error_and_deps_marks_it(repo) -> None:
    files = base_files()
    files["python/pkg/core.py"] = (
        "import os\nfrom pkg.libinfo import libinfo\nRUNTIME_ONLY = False\n"
        'if not RUNTIME_ONLY and libinfo().get("USE_UMA", "OFF") == "ON":\n'
        "    from pkg.uma import backend\n"
        "else:\n    backend = None\n"
    )
    files["python/pkg/libinfo.py"] = "def libinfo():\n    return {}\n"
    files["src/core.cc"] = (
        '#include "pkg/api.h"\n#ifdef PKG_USE_UMA\n#include "uma/uma.h"\n#endif\n'
    )
    root = repo(files)
    code, report = check_json(root)
    assert findings(report, "SM003") == []
    assert report["modules"][0]["wiring"] == 3
    code, out, _ = run_cli(root, "deps", "uma", "--format", "json")
    deps = json.loads(out)
    wiring = sorted((r["path"], r["line"], r["wiring"]) for r in deps["inbound"])
    assert wiring == [
        ("CMakeLists.txt", 7, "USE_UMA"),
        ("python/pkg/core.py", 5, "USE_UMA"),
        ("src/core.cc", 3, "USE_UMA"),
    ]
    assert any(r["target"] == "python/pkg/core.py" for r in deps["outbound"])


def test_else_branch_and_or_are_not_wiring(repo) -> None:
    files = base_files()
    files["src/core.cc"] = (
        '#ifdef PKG_USE_UMA\n#else\n#include "uma/uma.h"\n#endif\n#if defined(PKG_USE_UMA) || defined(X)\n#include "uma/uma.h"\n#endif\n'
    )
    root = repo(files)
    _, report = check_json(root)
    assert [(f["path"], f["line"]) for f in findings(report, "SM003")] == [
        ("src/core.cc", 3),
        ("src/core.cc", 6),
    ]


def test_type_checking_import_is_a_warning(repo) -> None:
    files = base_files()
    files["python/pkg/core.py"] = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.uma.backend import run\n"
    )
    root = repo(files)
    code, report = check_json(root)
    (f,) = findings(report, "SM003")
    assert f["severity"] == "warning" and f["type_checking"] is True


def test_unguarded_cmake_build_of_module_source_is_sm007(repo) -> None:
    files = base_files(stage="s0")
    files["CMakeLists.txt"] = (
        UMA_CMAKE + "target_sources(pkg PRIVATE src/uma/uma.cc)\ninclude_directories(src/uma)\n"
    )
    root = repo(files)
    _, report = check_json(root)
    sm007 = findings(report, "SM007")
    assert [(f["path"], f["line"], f["severity"], f["target"]) for f in sm007] == [
        ("CMakeLists.txt", 9, "error", "src/uma/uma.cc")
    ]


def test_whole_body_guarded_source_is_a_note_not_sm007(repo) -> None:
    files = base_files(stage="s0")
    files["src/uma/uma.cc"] = (
        '#ifdef PKG_USE_UMA\n#include "pkg/api.h"\nint f() { return 1; }\n#endif\n'
    )
    files["CMakeLists.txt"] = UMA_CMAKE + "target_sources(pkg PRIVATE src/uma/uma.cc)\n"
    root = repo(files)
    _, report = check_json(root)
    assert findings(report, "SM007") == []
    assert any("whole body" in n["message"] for n in report["notes"])


def test_path_toggle_and_stage_rules(repo) -> None:
    files = base_files(
        stage="s0",
        module_extra='dependents = [{ path = "python/pkg/core.py", rfc = "https://x/1" }]',
    )
    files["scoped.toml"] = files["scoped.toml"].replace(
        '"cmake/UMA.cmake"]', '"cmake/UMA.cmake", "docs/uma/"]'
    )
    files["scoped.toml"] += '\n[modules.other]\nstage = "proposed"\npaths = ["src/uma/uma.h"]\n'
    files["CMakeLists.txt"] = UMA_CMAKE.replace('option(USE_UMA "uma" OFF)', "")
    files["tools/uma.py"] = "print(1)\n"
    root = repo(files)
    _, report = check_json(root)
    rules = {(f["rule"], f["module"], f["severity"]) for f in report["findings"]}
    assert ("SM001", "uma", "error") in rules  # docs/uma/ matches nothing
    assert ("SM002", "other", "error") in rules or ("SM002", "uma", "error") in rules
    assert ("SM004", "uma", "warning") in rules  # tools/uma.py
    assert ("SM005", "other", "warning") in rules
    assert ("SM006", "uma", "error") in rules  # USE_UMA declared by no option()
    assert ("SM015", "uma", "error") in rules
    sm001 = findings(report, "SM001")[0]
    assert sm001["path"] == "scoped.toml" and sm001["line"] == 14


def test_dependents_allow_inbound_at_s1(repo) -> None:
    files = base_files(
        stage="s1",
        module_extra='dependents = [{ path = "python/pkg/core.py", rfc = "https://x/1" }]',
    )
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    files["python/pkg/other.py"] = "from pkg.uma import backend\n"
    root = repo(files)
    _, report = check_json(root)
    assert [f["path"] for f in findings(report, "SM003")] == ["python/pkg/other.py"]


def test_cache_is_reused_and_follows_changes(repo) -> None:
    root = repo(base_files())
    _, cold = check_json(root)
    assert (root / ".git" / "scoped").is_dir() and not (root / ".scoped_cache").exists()
    _, warm = check_json(root)
    assert cold["findings"] == warm["findings"] and cold["modules"] == warm["modules"]
    # a working-tree change, an untracked file and an ignored file
    (root / "python/pkg/core.py").write_text("from pkg.uma import backend\n")
    write_tree(
        root,
        {
            "python/pkg/new.py": "import pkg.uma\n",
            ".gitignore": "ignored.py\n",
            "ignored.py": "import pkg.uma\n",
        },
    )
    _, after = check_json(root)
    assert sorted(f["path"] for f in findings(after, "SM003")) == [
        "python/pkg/core.py",
        "python/pkg/new.py",
    ]
    _, nocache = check_json(root, "--no-cache")
    assert nocache["findings"] == after["findings"]


def test_exclude_binary_large_and_non_utf8_files(repo) -> None:
    files = base_files(project_extra='exclude = ["vendor/**"]')
    files["vendor/x.py"] = "from pkg.uma import backend\n"
    files["python/pkg/latin.py"] = "# caf\xe9\nimport os\n"
    root = repo(files)
    (root / "python/pkg/latin.py").write_bytes(b"# caf\xe9\nfrom pkg.uma import backend\n")
    (root / "blob.py").write_bytes(b"from pkg.uma import backend\n\0\0binary")
    (root / "big.py").write_bytes(b"from pkg.uma import backend\n" + b"#" * (5 * 1024 * 1024 + 10))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "more")
    _, report = check_json(root)
    assert [f["path"] for f in findings(report, "SM003")] == ["python/pkg/latin.py"]
    notes = {(n["path"], n["message"].split(";")[0].split(":")[0]) for n in report["notes"]}
    assert ("blob.py", "binary file skipped") in notes
    assert any(
        p == "big.py" and "5 MiB" in m
        for p, m in {(n["path"], n["message"]) for n in report["notes"]}
    )
    assert any(
        n["path"] == "python/pkg/latin.py" and "UTF-8" in n["message"] for n in report["notes"]
    )


def test_outside_git_walks_tree_and_says_so(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    files = base_files()
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    files[".gitignore"] = "build/\n"
    files["build/gen.py"] = "from pkg.uma import backend\n"
    write_tree(root, files)
    _, report = check_json(root)
    assert [f["path"] for f in findings(report, "SM003")] == ["python/pkg/core.py"]
    assert any("not a git repository" in n["message"] for n in report["notes"])


def test_module_filter_and_unknown_module(repo) -> None:
    files = base_files()
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    root = repo(files)
    code, report = check_json(root, "--module", "uma")
    assert code == 1 and {f["module"] for f in report["findings"]} == {"uma"}
    code, out, err = run_cli(root, "check", "--module", "nope")
    assert code == 2 and "unknown module 'nope'" in err
    code, out, err = run_cli(root, "deps", "nope")
    assert code == 2


def test_text_output_groups_by_module_and_summarises(repo) -> None:
    files = base_files()
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    root = repo(files)
    code, out, err = run_cli(root, "check")
    assert code == 1
    assert "uma" in out and "python/pkg/core.py:1" in out and "SM003" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("11 files, 1 modules, 1 error") or last.startswith(
        "11 files, 1 module"
    ), last


def test_status_reports_rows(repo) -> None:
    files = base_files()
    root = repo(files)
    code, out, _ = run_cli(root, "status", "--format", "json")
    assert code == 0
    (row,) = json.loads(out)["modules"]
    assert row["owners"] == {"active": None, "total": 1}
    assert row["toggle"]["names"] == ["PKG_USE_UMA", "USE_UMA"]
    assert row["last_focused_commit"] is None
    code, out, _ = run_cli(root, "status")
    assert "n/a" in out and "uma" in out


def test_init_writes_a_loadable_registry(tmp_path: Path) -> None:
    files = base_files()
    del files["scoped.toml"]
    root = make_repo(tmp_path / "r", files)
    code, out, err = run_cli(root, "init")
    assert code == 0, err
    text = (root / "scoped.toml").read_text()
    assert 'python_roots = ["python"]' in text and "USE_UMA" in text
    code, out, err = run_cli(root, "init")
    assert code == 2 and "already exists" in err
    code, out, err = run_cli(root, "check")
    assert code == 0, err


def test_glob_only_for_source_group_is_a_note_not_sm007(repo) -> None:
    files = base_files(stage="s0")
    files["CMakeLists.txt"] = UMA_CMAKE + (
        'file(GLOB_RECURSE GROUP_SOURCE "src/*.cc")\nsource_group("Source" FILES ${GROUP_SOURCE})\n'
        'file(GLOB_RECURSE ALL_SRCS "src/*.cc")\nadd_library(all ${ALL_SRCS})\n'
    )
    root = repo(files)
    _, report = check_json(root)
    # SM007 sits on the command that builds the globbed sources (issue 7, case 7)
    assert [(f["line"], f["target"]) for f in findings(report, "SM007")] == [(12, "src/uma/uma.cc")]
    assert any("source_group" in n["message"] and n["line"] == 9 for n in report["notes"])


def test_explain_prints_the_rule_page_and_rejects_unknown(tmp_path: Path) -> None:
    code, out, _ = run_cli(tmp_path, "explain", "inbound-reference")
    assert code == 0 and "SM003" in out and "No disruptive change" in out
    code, out, err = run_cli(tmp_path, "explain", "SM999")
    assert code == 2 and "unknown rule" in err


def test_ambiguous_top_level_names_are_notes_not_references(repo) -> None:
    files = base_files()
    files["scoped.toml"] = files["scoped.toml"].replace(
        '"cmake/UMA.cmake"]', '"cmake/UMA.cmake", "tests/a/"]'
    )
    files["tests/a/utils.py"] = "X = 1\n"
    files["tests/b/utils.py"] = "X = 2\n"
    files["python/pkg/core.py"] = "import utils\nutils.X\n"
    root = repo(files)
    _, report = check_json(root)
    amb = [n for n in report["notes"] if "ambiguous" in n["message"]]
    assert [(n["path"], n["line"]) for n in amb] == [("python/pkg/core.py", 1)]


def test_result_cache_follows_now_and_roster(repo) -> None:
    files = base_files()
    files["scoped.toml"] = files["scoped.toml"].replace(
        'roles = [{ role = "pmc", since = 2020-01-01 }]',
        'roles = [{ role = "pmc", since = 2020-01-01, until = 2030-01-01 }]',
    )
    root = repo(files)

    def sm009(now: str) -> list[dict]:
        code, out, err = run_cli(root, "--now", now, "check", "--format", "json")
        return findings(json.loads(out), "SM009")

    assert sm009("2025-01-01T00:00:00Z") == []
    assert sm009("2025-06-01T00:00:00Z") == []  # served from the result cache
    assert len(sm009("2031-01-01T00:00:00Z")) == 1  # the champion's pmc role ended
    assert (root / ".git" / "scoped").is_dir() and not (root / ".scoped_cache").exists()


def test_pattern_references_respect_guards(repo) -> None:
    files = base_files(module_extra='references = ["relay\\\\.ext\\\\.uma"]')
    files["python/pkg/core.py"] = (
        "import os\n"
        'if os.environ.get("USE_UMA") == "ON":\n'
        '    CODEGEN = "relay.ext.uma"\n'
        'FALLBACK = "relay.ext.uma"  # unguarded: a pattern reference\n'
        '# "relay.ext.uma" in a comment is not one\n'
    )
    files["src/core.cc"] = (
        '#include "pkg/api.h"\n#ifdef PKG_USE_UMA\nconst char* k = "relay.ext.uma";\n#endif\n'
        '#if 0\nconst char* dead = "relay.ext.uma";\n#endif\nconst char* g = "relay.ext.uma";\n'
    )
    files["CMakeLists.txt"] = UMA_CMAKE + 'if(USE_UMA)\n  message("relay.ext.uma")\nendif()\n'
    root = repo(files)
    _, report = check_json(root)
    got = sorted((f["path"], f["line"]) for f in findings(report, "SM003"))
    assert got == [("python/pkg/core.py", 4), ("src/core.cc", 8)]
    code, out, _ = run_cli(root, "deps", "uma", "--format", "json")
    wired = sorted(
        (r["path"], r["line"])
        for r in json.loads(out)["inbound"]
        if r["kind"] == "pattern" and r["wiring"]
    )
    assert wired == [("CMakeLists.txt", 10), ("python/pkg/core.py", 3), ("src/core.cc", 3)]


def test_machine_formats_end_to_end(repo) -> None:
    import jsonschema
    from junitparser import JUnitXml

    files = base_files()
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    root = repo(files)
    code, out, _ = run_cli(root, "check", "--format", "sarif")
    assert code == 1
    schema_path = shared_file("data", "sarif", "sarif-schema-2.1.0.json")
    sarif = json.loads(out)
    jsonschema.Draft4Validator(json.loads(schema_path.read_text())).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in results
        if r["level"] == "error"
    ] == [("SM003", 1)]
    code, out, _ = run_cli(root, "check", "--format", "junit")
    junit_file = root.parent / "junit.xml"
    junit_file.write_text(out)
    xml = JUnitXml.fromfile(str(junit_file))
    assert xml.failures == 1 and xml.tests >= 5
    code, out, _ = run_cli(root, "check", "--format", "github")
    assert out.startswith("::error file=python/pkg/core.py,line=1,title=SM003 inbound-reference::")


def test_strict_makes_warnings_fail_and_no_history_is_accepted(repo) -> None:
    files = base_files(project_extra='config_templates = ["cmake/config.cmake"]')
    files["cmake/config.cmake"] = "set(USE_OTHER OFF)\n"
    root = repo(files)
    code, report = check_json(root, "--no-history")
    assert code == 0 and report["summary"]["errors"] == 0
    (sm006,) = findings(report, "SM006")  # declared by option(), but missing from the template
    assert sm006["severity"] == "warning" and "config template" in sm006["message"]
    code, out, err = run_cli(root, "check", "--strict")
    assert code == 1
    (root / "cmake/config.cmake").write_text("set(USE_UMA OFF)\n")
    _, report = check_json(root)
    assert findings(report, "SM006") == []


def test_the_registry_line_that_declares_a_pattern_is_not_a_reference(repo) -> None:
    files = base_files(module_extra='references = ["relay\\\\.ext\\\\.uma"]')
    files["scoped.toml"] += "# also named here: relay.ext.uma\n"
    root = repo(files)
    _, report = check_json(root)
    assert [f for f in report["findings"] if f["rule"] == "SM003"] == []
    files["python/pkg/core.py"] = 'NAME = "relay.ext.uma"\n'
    write_tree(root, {"python/pkg/core.py": files["python/pkg/core.py"]})
    _, report = check_json(root)
    assert [(f["path"], f["kind"]) for f in report["findings"] if f["rule"] == "SM003"] == [
        ("python/pkg/core.py", "pattern")
    ]


def test_check_in_process_leaves_the_garbage_collector_on(repo) -> None:
    import gc

    root = repo(base_files())
    assert gc.isenabled()
    check_json(root)
    assert gc.isenabled()


def test_includes_written_from_the_root_without_the_root_among_include_roots(repo) -> None:
    registry = """
schema = 1
[project]
include_roots = []
[modules.gpu]
stage = "proposed"
paths = ["proj/gpu/"]
toggles = [{ cmake = "USE_GPU" }]
"""
    files = {
        "scoped.toml": registry,
        "proj/gpu/kernels.h": "#pragma once\n",
        "proj/gpu/more.h": "#pragma once\n",
        "proj/core/a.cc": "#include <proj/gpu/kernels.h>\n#include <vector>\n",
        "proj/core/b.cc": '#include "proj/gpu/more.h"\n#include <proj/core/none.h>\n',
    }
    root = repo(files)
    _, report = check_json(root)
    assert [f for f in report["findings"] if f["rule"] == "SM003"] == []
    notes = [n["message"] for n in report["notes"] if "include_roots" in n["message"]]
    assert notes == [
        "2 includes of the form <proj/...> name module files from the root but resolve to "
        "nothing; proj/ exists at the root: add '.' to include_roots?"
    ]
    write_tree(
        root, {"scoped.toml": registry.replace("include_roots = []", 'include_roots = ["."]')}
    )
    _, report = check_json(root)
    assert sorted(f["path"] for f in report["findings"] if f["rule"] == "SM003") == [
        "proj/core/a.cc",
        "proj/core/b.cc",
    ]
    assert not [n for n in report["notes"] if "include_roots" in n["message"]]
