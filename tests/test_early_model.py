"""The build model is made while the files are read (analyse.build): from the facts of the CMake
files and header templates, read first by this process. It is used only when the whole facts
give it the same inputs; a `#cmakedefine` in a file the early read did not cover (a plain
header given to configure_file()) makes it built again, and the verdict is the same either way."""

from __future__ import annotations

import pytest
from helpers import UMA_CMAKE, base_files, check_json, findings, make_repo

import scoped_modules.app.analyse as analyse

CONFIGURE = 'configure_file({template} "${{CMAKE_BINARY_DIR}}/pkg_config.h")\n'


def _files(template: str, cmakedefine: bool) -> dict[str, str]:
    files = base_files()
    # the define comes from the configured header only, set when the toggle is on
    files["cmake/UMA.cmake"] = "target_sources(pkg PRIVATE src/uma/uma.cc)\n"
    files["CMakeLists.txt"] = UMA_CMAKE.replace(
        "endif()", "  set(PKG_USE_UMA ON)\nendif()"
    ) + CONFIGURE.format(template=template)
    files["src/core.cc"] = '#include "pkg/api.h"\n#ifdef PKG_USE_UMA\nint uma_on;\n#endif\n'
    files[template] = ("#cmakedefine PKG_USE_UMA\n" if cmakedefine else "") + "#define X 1\n"
    return files


@pytest.mark.parametrize(
    ("template", "builds"),
    [("include/pkg/config.h.in", 1), ("include/pkg/config.h", 2)],  # a template, a plain header
)
def test_the_early_model_is_used_only_when_it_fits(
    tmp_path, monkeypatch: pytest.MonkeyPatch, template: str, builds: int
) -> None:
    made: list[object] = []
    original = analyse.cmake_model

    def counted(*args):  # noqa: ANN202
        made.append(original(*args))
        return made[-1]

    monkeypatch.setattr(analyse, "cmake_model", counted)
    monkeypatch.setattr("scoped_modules.index.cmake_model", counted)
    root = make_repo(tmp_path / "with", _files(template, cmakedefine=True))
    _code, report = check_json(root, "--no-cache", "--no-history")
    assert len(made) == builds
    # the configured header defines the module's macro when its toggle is on: nothing said
    assert not _said(report)
    # without the #cmakedefine, nothing the build runs defines it (it is only set in CMake):
    # a note says it is not judged
    made.clear()
    root = make_repo(tmp_path / "without", _files(template, cmakedefine=False))
    _code, report = check_json(root, "--no-cache", "--no-history")
    assert len(made) == 1
    assert _said(report)


def _said(report: dict) -> list:
    """The findings and notes about the module's macro."""
    return [
        x for x in [*findings(report, "SM006"), *report["notes"]] if "PKG_USE_UMA" in x["message"]
    ]
