"""The text report folds a note repeated at many places into one line with its count and first
places (ggml and TVM: a `foreach()` over a list the CMake model does not know, met in a dozen
files, was most of their notes); the JSON report keeps every note as it was."""

from __future__ import annotations

from pathlib import Path

from helpers import check_json, make_repo, run_cli

from scoped_modules.report.text import NOTE_PLACES

REGISTRY = 'schema = 1\n\n[project]\nname = "demo"\ngovernance = false\n'
LOOPS = "foreach(s ${{{0}_A}})\nendforeach()\nforeach(s ${{{0}_B}})\nendforeach()\n"


def test_repeated_notes_make_one_text_line_and_every_json_note_stays(tmp_path: Path) -> None:
    subdirs = ["a", "b", "c", "d"]
    files = {
        "scoped.toml": REGISTRY,
        "CMakeLists.txt": "cmake_minimum_required(VERSION 3.16)\nproject(demo C)\n"
        + "include(${SDK_ROOT}/sdk.cmake)\n"
        + "".join(f"add_subdirectory({d})\n" for d in subdirs),
        **{f"{d}/CMakeLists.txt": LOOPS.format(d.upper()) for d in subdirs},
    }
    root = make_repo(tmp_path / "repo", files)
    _code, report = check_json(root)
    notes = report["notes"]
    by_message: dict[str, list[dict]] = {}
    for n in notes:
        by_message.setdefault(n["message"], []).append(n)
    repeated = [(m, ns) for m, ns in by_message.items() if len(ns) > 1]
    single = [ns[0] for ns in by_message.values() if len(ns) == 1]
    # the model's notes: one per foreach() (JSON keeps each), one for the include()
    assert [len(ns) for _m, ns in repeated] == [2 * len(subdirs)]
    assert len(single) == 1 and "include()" in single[0]["message"]

    code, out, _err = run_cli(root, "check")
    assert code == 0
    lines = out.splitlines()
    body = lines[lines.index("notes") + 1 : lines.index("") if "" in lines else None]
    message, places = repeated[0]
    shown = places[:NOTE_PLACES]
    files_shown: dict[str, list[str]] = {}
    for p in shown:
        files_shown.setdefault(p["path"], []).append(str(p["line"]))
    listed = "; ".join(f"{f}:{', '.join(ls)}" for f, ls in files_shown.items())
    assert body == [
        f"  {single[0]['path']}:{single[0]['line']}: {single[0]['message']}",
        f"  {message} ({len(places)} places)",
        f"    {listed}; … and {len(places) - NOTE_PLACES} more places",
    ]
    # the summary still counts every note
    assert f", {len(notes)} notes in " in lines[-1]
