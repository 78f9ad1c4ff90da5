"""One documentation page per rule: the single source of ``scoped explain``, SARIF rule metadata
and ``docs/rules.md``.

Pages follow ruff's shape (id, kebab-case name, "What it does", "Why is this bad?", "Example",
"Use instead"). "Why is this bad?" quotes, verbatim, the sentence of the scoped-module process
(Apache TVM's process RFC, apache/tvm-rfcs#95) that the rule enforces; "Severity by stage" is
generated from :mod:`scoped_modules.rules.base`, never retyped here.

Regenerate the docs page with ``python -m scoped_modules.rules.docs > docs/rules.md``.
"""

from __future__ import annotations

import difflib
import sys
import textwrap
from dataclasses import dataclass

from .base import _STAGES, severity

SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Severity by stage",
    "How to fix",
    "Example",
    "Use instead",
)
PROCESS_SOURCE = (
    '"Empowering New Scoped Module to the Project", Apache TVM process RFC (apache/tvm-rfcs#95)'
)
REGENERATE = "python -m scoped_modules.rules.docs > docs/rules.md"
_WIDTH = 79


@dataclass(frozen=True, slots=True)
class Snippet:
    """One file of an example repository; ``label`` is its path (optionally followed by a
    remark in parentheses) or a shell command starting with ``$``."""

    label: str
    text: str

    @property
    def language(self) -> str:
        head = self.label.split()[0]
        if head == "$":
            return "console"
        if head.endswith(".toml"):
            return "toml"
        if head.endswith((".py", ".pyi")):
            return "python"
        if head.endswith(("CMakeLists.txt", ".cmake")):
            return "cmake"
        if head.endswith((".cc", ".cpp", ".h", ".cu")):
            return "cpp"
        return "text"


@dataclass(frozen=True, slots=True)
class RuleDoc:
    id: str
    name: str
    summary: str  # one line
    what: str  # "What it does"
    quotes: tuple[str, ...]  # verbatim sentences of the process the rule enforces
    why: str  # what goes wrong, after the quotes
    fix: str  # "How to fix"
    example: tuple[Snippet, ...]
    use_instead: tuple[Snippet, ...]
    severity_notes: str = ""  # qualifications of the stage table (SPEC §4 footnotes)

    @property
    def severities(self) -> dict[str, str | None]:
        """Stage -> ``error``/``warning``/None (not checked), from rules/base.py's table."""
        return {stage: severity(self.id, stage) for stage in _STAGES}


def _s(label: str, text: str) -> Snippet:
    return Snippet(label, textwrap.dedent(text).strip("\n"))


_ISOLATED = "Clearly isolated in its own namespace."
_CONTAINED = (
    "S0 changes would be contained in its namespace, with possible integrations also built "
    "inside its namespace."
)
_NO_DISRUPTION = "No disruptive change to the rest of the codebase"
_DEPRECATE = "Can be easily deprecated by removing the related namespaces"
_REMOVAL = (
    "The removal of the module is easy as they are contained in the respective folders, with no "
    "modules that come and depend on them."
)
_TOGGLE = (
    "Can be turned off through a feature toggle to contain the overall dependency from the rest "
    "of the modules."
)
_OWNERS = (
    "A clear set of community members are committed to maintaining the proposed modules with "
    "technical support quantitatively, more than three endorsing committers who can serve as the "
    "initial owner."
)
_CHAMPION = (
    "One of the PMC members would serve as a champion, provide a clear technical summary of the "
    "state, pros and cons during discussions for the S0-level proposal and suggest a path forward."
)
_ENDORSE = (
    "More than three PMC members endorse the S0-level proposal to ensure that there are enough "
    "eyes and shepherding in the module."
)
_MAJORITY = "The decision to establish a S0-level module needs to get majority support from PMC."
_S1_RFC = "Each such composition would require its own RFC and following the existing RFC process."
_LATER_RFC = (
    "Importantly, further S1/S2 level changes would require different RFC and longer "
    "deliberation for G0."
)
_INACTIVE = (
    "When a S0 module no longer has an active set of maintainers, the module will be deprecated."
)
_SEPARATE = (
    "Clean isolation of changes from existing modules, when the change touches existing modules, "
    "they should be discussed separately."
)

_UMA = """\
    [modules.uma]
    stage = "s0"
    paths = ["python/tvm/contrib/uma/"]
    """
_UMA_TOGGLED = """\
    [modules.uma]
    stage = "s0"
    paths = ["python/tvm/contrib/uma/", "src/contrib/uma/"]
    toggles = [{ cmake = "USE_UMA", define = "TVM_USE_UMA" }]
    """

_DOCS = (
    RuleDoc(
        id="SM001",
        name="missing-path",
        summary="A path declared by a module matches no file.",
        what=(
            "Reports each entry of a module's `paths` that matches no scanned file (files "
            "excluded by `project.exclude` do not count)."
        ),
        quotes=(_ISOLATED,),
        why=(
            "A module's namespace is what every other rule checks. An entry that names nothing "
            "is usually a typo or a move the registry did not follow, and then the module's real "
            "files are core as far as `scoped` can tell: references into them are not reported, "
            "and removing the module would leave them behind."
        ),
        severity_notes=(
            "A proposed module only gets a warning: a proposal may be written before its code."
        ),
        fix=(
            "Correct the entry to where the module's files are, or delete it. An entry ending "
            "in `/` is a directory; an entry with `*`, `?` or `[` is a pattern anchored at the "
            "repository root."
        ),
        example=(
            _s("scoped.toml", _UMA),
            _s(
                "python/tvm/relay/backend/contrib/uma/api.py",
                '"""The UMA backend API."""',
            ),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/relay/backend/contrib/uma/"]
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM002",
        name="overlapping-paths",
        summary="Two modules claim the same files.",
        what=(
            "Reports files matched by the `paths` of two modules: one finding per pair of "
            "modules and entry, with the number of shared files and a few examples."
        ),
        quotes=(_ISOLATED, _DEPRECATE),
        why=(
            "A file in two namespaces belongs to neither: its owners, stage and toggle are "
            "ambiguous, and removing one module would delete files the other one still needs."
        ),
        fix=(
            "Narrow one of the entries so that every file belongs to exactly one module. Code "
            "both modules need belongs to core or to one of them, which the other then "
            "references."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.contrib]
                stage = "s0"
                paths = ["python/tvm/contrib/"]

                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                """,
            ),
            _s("python/tvm/contrib/uma/api.py", '"""The UMA backend API."""'),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.contrib]
                stage = "s0"
                paths = ["python/tvm/contrib/graph/"]

                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM003",
        name="inbound-reference",
        summary="A file outside the module references a file inside it.",
        what=(
            "Reports a reference from a file outside the module (core or another module) to a "
            "file inside it that is not wiring, i.e. not guarded by one of the module's toggles. "
            "Every kind of reference counts: Python imports (also dynamic ones and dotted "
            "attribute chains), C/C++ includes and matches of the module's `references` "
            "patterns; CMake path references are left to SM007. Wiring is reported by "
            "`scoped deps`, never as a finding."
        ),
        quotes=(_NO_DISRUPTION, _REMOVAL),
        why=(
            "Each inbound reference is a place where the rest of the codebase depends on the "
            "module: turning its toggle off or deleting its namespace breaks that file. An "
            "S0 module earns its quick acceptance by promising that nothing depends on it."
        ),
        severity_notes=(
            "Imports under `if TYPE_CHECKING:` are warnings. From s1 on, references from paths "
            "declared in the module's `dependents` (each with the RFC that allowed it) are not "
            "reported; at s2 the rule is not checked."
        ),
        fix=(
            "Move the referencing code into the module, or guard the reference with the "
            "module's toggle so that it becomes wiring. An integration into existing flows is "
            "an S1 change: it needs its own RFC, after which the referencing path is declared "
            "in `dependents`. `scoped deps uma` lists every inbound reference."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                toggles = [{ cmake = "USE_UMA" }]
                """,
            ),
            _s("python/tvm/relax/transform.py (core)", "from tvm.contrib import uma"),
        ),
        use_instead=(
            _s(
                "python/tvm/relax/transform.py (core)",
                """\
                from tvm.support import libinfo

                if libinfo().get("USE_UMA", "OFF") == "ON":
                    from tvm.contrib import uma
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM004",
        name="stray-file",
        summary="A file outside the module carries the module's name.",
        what=(
            "Reports a file outside the module with a path component or a file stem equal to "
            "the module's name (`-` and `_` count as the same character)."
        ),
        quotes=(_ISOLATED, _CONTAINED),
        why=(
            "Such a file is usually module code that landed outside the namespace: it escapes "
            "every other rule, and removing the module would leave it behind."
        ),
        fix=(
            "Move the file into one of the module's paths, or add its directory to `paths`. If "
            "the name is a coincidence, the warning can stay: it never fails `scoped check` "
            "without `--strict`."
        ),
        example=(
            _s("scoped.toml", _UMA),
            _s("src/relay/backend/contrib/uma/codegen.cc", '#include "tvm/ir/module.h"'),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/", "src/relay/backend/contrib/uma/"]
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM005",
        name="toggle-missing",
        summary="The module declares no toggle.",
        what=(
            "Reports a module whose `toggles` list is empty. A toggle names how the module is "
            "switched off: a CMake option (`cmake`), the preprocessor macro the build defines "
            "when it is on (`define`) or an environment variable (`env`)."
        ),
        quotes=(_TOGGLE,),
        why=(
            "Without a declared toggle nothing tells the build or `scoped` how the module is "
            "switched off, so its guards cannot be recognised as wiring and users who do not "
            "need the module still build and load it."
        ),
        fix=(
            "Declare the toggle the build already uses, or add one: a CMake option guarding the "
            "module's sources, or an environment variable for a Python-only module. Then guard "
            "the module's wiring with it."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["cmake/modules/contrib/UMA.cmake"]
                """,
            ),
            _s("CMakeLists.txt", "include(cmake/modules/contrib/UMA.cmake)"),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["cmake/modules/contrib/UMA.cmake"]
                toggles = [{ cmake = "USE_UMA" }]
                """,
            ),
            _s(
                "CMakeLists.txt",
                """\
                option(USE_UMA "Build the UMA backend" OFF)
                if(USE_UMA)
                  include(cmake/modules/contrib/UMA.cmake)
                endif()
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM006",
        name="toggle-undeclared",
        summary="A toggle's CMake option is declared nowhere.",
        what=(
            "Reports a `cmake` toggle that no call of a `project.cmake_option_commands` command "
            "(`option` and `cmake_dependent_option` by default) declares. A declared toggle "
            "missing from every `project.config_templates` file is also reported."
        ),
        quotes=(_TOGGLE,),
        why=(
            "An option the build never declares cannot be switched from the command line or a "
            "cache, and one missing from the configuration template is invisible to the users "
            "who would turn it off: the toggle exists only on paper."
        ),
        severity_notes="A toggle missing from the configuration templates is always a warning.",
        fix=(
            "Declare the option with `option()` (or the project's wrapper, listed in "
            "`cmake_option_commands`) and add a line for it to each configuration template, "
            "e.g. `set(USE_UMA OFF)` in `cmake/config.cmake`."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["src/contrib/uma/"]
                toggles = [{ cmake = "USE_UMA" }]
                """,
            ),
            _s(
                "CMakeLists.txt",
                """\
                if(USE_UMA)
                  add_subdirectory(src/contrib/uma)
                endif()
                """,
            ),
        ),
        use_instead=(
            _s(
                "CMakeLists.txt",
                """\
                option(USE_UMA "Build the UMA backend" OFF)
                if(USE_UMA)
                  add_subdirectory(src/contrib/uma)
                endif()
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM007",
        name="toggle-partial",
        summary="The module's sources are built with its toggle off.",
        what=(
            "Reports a command that builds C/C++/CUDA sources of the module (`add_library`, "
            "`add_executable`, `target_sources`, `cuda_add_library`, a helper function that "
            "calls one, a command the build model does not know) when the CMake build model "
            "finds it compiles them with the toggle off; headers and directories do not count, "
            "and commands that only name a path (`install`, `source_group`, "
            "`set_source_files_properties`, ...) never do. One finding per building command "
            "and module, with the number of sources and the first few."
        ),
        quotes=(_TOGGLE,),
        why=(
            "A toggle that leaves the module's sources in the build turns nothing off: the "
            "dependency is not contained, and a module that fails to compile breaks the build "
            "for everyone."
        ),
        severity_notes=(
            "A source whose whole body sits under the module's `define` compiles to nothing "
            "when the module is off: building it unguarded is a note, not SM007."
        ),
        fix=(
            "Move the source list or glob under `if(USE_UMA)`. `scoped toggles prove uma "
            "--cmake` configures the real build with the toggle off and lists the module "
            "sources still compiled."
        ),
        example=(
            _s("scoped.toml", _UMA_TOGGLED),
            _s(
                "CMakeLists.txt",
                """\
                file(GLOB_RECURSE UMA_SRCS src/contrib/uma/*.cc)
                add_library(tvm_objs OBJECT ${CORE_SRCS} ${UMA_SRCS})
                """,
            ),
        ),
        use_instead=(
            _s(
                "CMakeLists.txt",
                """\
                if(USE_UMA)
                  file(GLOB_RECURSE UMA_SRCS src/contrib/uma/*.cc)
                endif()
                add_library(tvm_objs OBJECT ${CORE_SRCS} ${UMA_SRCS})
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM008",
        name="owners-insufficient",
        summary="Too few owners are committers.",
        what=(
            "Reports a module with fewer owners holding the `committer` or `pmc` role today "
            "than the rule profile's `min_owner_committers` (4 under the default `tvm-s0` "
            "profile)."
        ),
        quotes=(_OWNERS,),
        why=(
            "A module nobody with commit rights maintains cannot be reviewed, fixed or kept "
            "building; the process asks for named maintainers before the code lands, not after."
        ),
        severity_notes=(
            "Roles are read as of now (`--now`, else the clock), with the profile of the "
            "module's establish decision, else `project.rules`."
        ),
        fix=(
            "Add committers who maintain the module to `owners`, or correct their roles in the "
            "roster. A module that has lost its maintainers is a candidate for deprecation "
            "(see SM011)."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                owners = ["alice", "bob"]
                """,
            ),
            _s(
                "governance/people.toml",
                """\
                [[person]]
                handle = "alice"
                roles = [{ role = "committer", since = 2020-01-01 }]
                """,
            ),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                owners = ["alice", "bob", "carol", "dave"]  # all committers
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM009",
        name="champion-invalid",
        summary="The module has no champion, or the champion is not a PMC member.",
        what=(
            "Reports a module without a `champion`, or whose champion does not hold the `pmc` "
            "role today, when the rule profile requires a champion (`require_champion`, true "
            "under the default `tvm-s0` profile)."
        ),
        quotes=(_CHAMPION,),
        why=(
            "The champion is the PMC member who summarises the proposal and drives upstreaming "
            "and follow-up discussions; without one, nobody on the PMC is accountable for the "
            "module's path forward."
        ),
        severity_notes="Roles are read as of now (`--now`, else the clock).",
        fix="Name a current PMC member as `champion`, or fix the champion's roles in the roster.",
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                champion = "alice"  # a committer, not on the PMC
                """,
            ),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                champion = "kparzysz-quic"  # holds the pmc role
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM010",
        name="decision-unsupported",
        summary="The module's stage is not backed by a passing, re-countable decision.",
        what=(
            "Reports a stage without a passing decision of its kind (s0: `establish`, s1: "
            "`integrate`, s2: `evolve`); a decision whose evidence, counted again, gives "
            "another result than the one recorded; and a pinned evidence file whose sha256 "
            "changed. Unpinned evidence is a warning."
        ),
        quotes=(_ENDORSE, _MAJORITY, _S1_RFC),
        why=(
            "A stage is a community decision, not a line anyone can edit. `scoped` recounts "
            "the votes from the pinned evidence, so editing a recorded `result` cannot win a "
            "vote and a changed mail archive is noticed."
        ),
        severity_notes=(
            "A deprecated module needs a passing `deprecate` decision or a history entry "
            "carrying an activity snapshot with no active owner; a removed module needs a "
            "history entry."
        ),
        fix=(
            "Record the vote with `scoped vote record uma --kind establish --opened T "
            "--closes T EVIDENCE...`, which tallies the evidence and pins each file. When a "
            "recount disagrees, `scoped vote tally --decision ID` shows every ballot and "
            "condition."
        ),
        example=(_s("scoped.toml", _UMA),),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]

                [[modules.uma.decisions]]
                id = "uma-s0"
                kind = "establish"
                opened = 2022-06-01T00:00:00Z
                closes = 2022-06-08T00:00:00Z
                evidence = [{ path = "governance/votes/uma-s0.mbox", sha256 = "9f2c..." }]
                result = "passed"
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM011",
        name="no-active-maintainers",
        summary="No owner of the module was active in the activity window.",
        what=(
            "Reports a module none of whose owners made at least `min_focused_commits` focused "
            "commits (commits with at least `focus` of their changed files in the module) in "
            "the last `window_days` of history. It needs git history; `--no-history` skips it."
        ),
        quotes=(_INACTIVE,),
        why=(
            "An unmaintained module still costs the project: it must keep building, its users "
            "get no fixes, and it blocks refactors of the code around it. Tree-wide commits do "
            "not count, so a module cannot look maintained because of someone else's rename."
        ),
        fix=(
            "If people still maintain the module, make them owners (their focused commits "
            "then count); `scoped activity --module uma` shows who committed what. Otherwise "
            "deprecate it: `scoped transition uma --to deprecated` records the activity "
            "snapshot in the history."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [activity]
                window_days = 365

                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                owners = ["alice", "bob", "carol", "dave"]
                """,
            ),
            _s(
                "$ git log --since=1.year --format=%an -- python/tvm/contrib/uma/",
                "dependabot[bot]",
            ),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                owners = ["erin", "frank", "grace", "heidi"]  # committing to uma this year
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM012",
        name="mixed-change",
        summary="One change touches both the module and core files.",
        what=(
            "With `scoped check --changed BASE`, reports a module whose files changed together "
            "with core files that `project.mixed_change_exempt` does not cover (by default the "
            "registry file and `*.md`)."
        ),
        quotes=(_SEPARATE, _NO_DISRUPTION),
        why=(
            "A module change is reviewed under the module's relaxed rules; a core change hidden "
            "in it skips the deliberation core changes get. Splitting them keeps each review "
            "honest and each revert clean."
        ),
        severity_notes=(
            "A commit trailer `Scoped-Core-Change: <URL>` in the range acknowledges the core "
            "change: the finding becomes a note quoting the URL."
        ),
        fix=(
            "Split the change: the core part in its own pull request, discussed as such. When "
            "the core part was discussed and agreed, add the trailer `Scoped-Core-Change: "
            "<URL of the discussion>` to a commit of the range."
        ),
        example=(
            _s("scoped.toml", _UMA),
            _s(
                "$ git diff --name-only origin/main",
                """\
                python/tvm/contrib/uma/api.py
                python/tvm/relax/transform.py
                """,
            ),
        ),
        use_instead=(
            _s(
                "$ git log -1 --format=%B",
                """\
                Register the UMA pass in the relax pipeline

                Scoped-Core-Change: https://discuss.tvm.apache.org/t/uma-pass-hook
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM013",
        name="unknown-person",
        summary="An owner, champion or TOML ballot voter is not in the roster.",
        what=(
            "Reports an owner or champion of a module, or the `voter` of a TOML ballot, whose "
            "handle the roster does not know (handles match case-insensitively). Mail and "
            "GitHub voters outside the roster are community votes, not findings."
        ),
        quotes=(_OWNERS, _CHAMPION),
        why=(
            "Roles live in the roster: for a person it does not know, `scoped` cannot tell "
            "whether they are a committer or on the PMC, so a typo silently weakens the "
            "owner and champion checks."
        ),
        fix="Correct the handle, or add the person to the roster with their roles.",
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                owners = ["alice", "bbo"]
                """,
            ),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                owners = ["alice", "bob"]
                """,
            ),
        ),
    ),
    RuleDoc(
        id="SM014",
        name="removal-remnant",
        summary="Something of a removed module is still there.",
        what=(
            "For a module at stage `removed`, reports files still under its paths, "
            "declarations of its toggles or entries in configuration templates still present, "
            "and references still pointing into its paths."
        ),
        quotes=(_DEPRECATE, _REMOVAL),
        why=(
            "A removal that leaves an option, a config line or a dangling import behind is not "
            "clean: users still see a switch that does nothing, and the next build or import "
            "of the remaining reference fails."
        ),
        fix=(
            "Delete what is left. `scoped remove NAME` deletes a deprecated module's paths and "
            "records the removal; `--prove CMD` first runs CMD (e.g. the build and tests) in a "
            "temporary worktree without the module."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "removed"
                paths = ["src/contrib/uma/"]
                toggles = [{ cmake = "USE_UMA" }]
                """,
            ),
            _s("CMakeLists.txt", 'option(USE_UMA "Build the UMA backend" OFF)'),
        ),
        use_instead=(_s("CMakeLists.txt", "# no USE_UMA option left"),),
    ),
    RuleDoc(
        id="SM015",
        name="dependents-too-early",
        summary="A module declares dependents before stage s1.",
        what="Reports a `proposed` or `s0` module that declares `dependents`.",
        quotes=(_LATER_RFC, _S1_RFC),
        why=(
            "`dependents` record the places an S1 integration RFC allowed to depend on the "
            "module. Before s1 no such RFC has passed, and the references stay SM003 findings "
            "anyway: declaring them early only pretends an integration was approved."
        ),
        fix=(
            "Remove `dependents` until the integration RFC passes; then record the `integrate` "
            "decision, run `scoped transition uma --to s1` and declare each dependent with "
            "that RFC."
        ),
        example=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s0"
                paths = ["python/tvm/contrib/uma/"]
                dependents = [{ path = "python/tvm/relax/transform.py", rfc = "" }]
                """,
            ),
        ),
        use_instead=(
            _s(
                "scoped.toml",
                """\
                [modules.uma]
                stage = "s1"
                paths = ["python/tvm/contrib/uma/"]
                dependents = [{ path = "python/tvm/relax/transform.py", rfc = "https://github.com/apache/tvm-rfcs/pull/99" }]
                """,
            ),
        ),
    ),
)

RULE_DOCS: dict[str, RuleDoc] = {doc.id: doc for doc in _DOCS}
_BY_NAME = {doc.name: doc for doc in _DOCS}


def lookup(text: str) -> RuleDoc | None:
    """The page for a rule id (``SM003``, ``sm003``) or name (``inbound-reference``), else None."""
    key = text.strip()
    return RULE_DOCS.get(key.upper()) or _BY_NAME.get(key.lower().replace("_", "-"))


def suggest(text: str) -> list[str]:
    """Close rule ids or names, for a "did you mean" after a failed :func:`lookup`."""
    candidates = {rid.lower(): rid for rid in RULE_DOCS} | {name: name for name in _BY_NAME}
    found = difflib.get_close_matches(text.strip().lower(), candidates, n=3, cutoff=0.6)
    return [candidates[c] for c in found]


def _get(rule: str | RuleDoc) -> RuleDoc:
    if isinstance(rule, RuleDoc):
        return rule
    doc = lookup(rule)
    if doc is None:
        raise KeyError(f"unknown rule {rule!r}")
    return doc


def _wrap(text: str, indent: str = "") -> str:
    """Fill each paragraph of ``text`` for the terminal."""
    return "\n\n".join(
        textwrap.fill(
            " ".join(par.split()),
            width=_WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )
        for par in text.split("\n\n")
    )


def _severity_rows(doc: RuleDoc) -> tuple[list[str], list[str]]:
    levels = doc.severities
    return list(levels), [levels[stage] or "-" for stage in levels]


def _severity_text(doc: RuleDoc) -> str:
    stages, levels = _severity_rows(doc)
    widths = [max(len(a), len(b)) for a, b in zip(stages, levels, strict=True)]
    line1 = "  ".join(s.ljust(w) for s, w in zip(stages, widths, strict=True)).rstrip()
    line2 = "  ".join(s.ljust(w) for s, w in zip(levels, widths, strict=True)).rstrip()
    out = f"    {line1}\n    {line2}\n\n" + _wrap(
        "`-`: not checked at that stage; modules rejected or withdrawn are never checked.",
        "    ",
    )
    if doc.severity_notes:
        out += "\n\n" + _wrap(doc.severity_notes, "    ")
    return out


def _snippets_text(snippets: tuple[Snippet, ...]) -> str:
    parts = []
    for snip in snippets:
        head = snip.label if snip.label.startswith("$") else f"{snip.label}:"
        body = textwrap.indent(snip.text, "        ")
        parts.append(f"    {head}\n{body}")
    return "\n\n".join(parts)


def render_doc(rule: str | RuleDoc) -> str:
    """The rule's page as plain text for the terminal (``scoped explain``)."""
    doc = _get(rule)
    title = f"{doc.id} {doc.name}"
    quotes = "\n    >\n".join(_wrap(f'"{q}"', "    > ") for q in doc.quotes)
    sections = {
        "What it does": _wrap(doc.what, "    "),
        "Why is this bad?": "\n".join(
            (quotes, _wrap(f"— {PROCESS_SOURCE}", "    "), "", _wrap(doc.why, "    "))
        ),
        "Severity by stage": _severity_text(doc),
        "How to fix": _wrap(doc.fix, "    "),
        "Example": _snippets_text(doc.example),
        "Use instead": _snippets_text(doc.use_instead),
    }
    body = "\n\n".join(f"{name}\n{text}" for name, text in sections.items())
    return f"{title}\n{'=' * len(title)}\n{_wrap(doc.summary)}\n\n{body}"


def _snippets_markdown(snippets: tuple[Snippet, ...]) -> str:
    parts = []
    for snip in snippets:
        if snip.label.startswith("$"):
            parts.append(f"```console\n{snip.label}\n{snip.text}\n```")
        else:
            path, _, remark = snip.label.partition(" ")
            caption = f"`{path}` {remark}".rstrip()
            parts.append(f"{caption}:\n\n```{snip.language}\n{snip.text}\n```")
    return "\n\n".join(parts)


def _severity_markdown(doc: RuleDoc) -> str:
    stages, levels = _severity_rows(doc)
    out = (
        f"| {' | '.join(stages)} |\n|{'---|' * len(stages)}\n| {' | '.join(levels)} |\n\n"
        "`-`: not checked at that stage; modules `rejected` or `withdrawn` are never checked."
    )
    if doc.severity_notes:
        out += f"\n\n{doc.severity_notes}"
    return out


def render_markdown(rule: str | RuleDoc) -> str:
    """The rule's page as Markdown (the docs page, SARIF ``help.markdown``)."""
    doc = _get(rule)
    quotes = "\n>\n".join(f'> "{q}"' for q in doc.quotes)
    sections = {
        "What it does": doc.what,
        "Why is this bad?": f"{quotes}\n\n— {PROCESS_SOURCE}\n\n{doc.why}",
        "Severity by stage": _severity_markdown(doc),
        "How to fix": doc.fix,
        "Example": _snippets_markdown(doc.example),
        "Use instead": _snippets_markdown(doc.use_instead),
    }
    body = "\n\n".join(f"### {name}\n\n{text}" for name, text in sections.items())
    return f"## {doc.id} {doc.name}\n\n{doc.summary}\n\n{body}\n"


def render_all_markdown() -> str:
    """The whole ``docs/rules.md`` page."""
    index = "\n".join(
        f"| [{d.id}](#{d.id.lower()}-{d.name}) | `{d.name}` | {d.summary} |" for d in _DOCS
    )
    pages = "\n".join(render_markdown(d) for d in _DOCS)
    return (
        f"<!-- Generated from src/scoped_modules/rules/docs.py; do not edit. -->\n"
        f"<!-- Regenerate: {REGENERATE} -->\n\n"
        "# Rules\n\n"
        "Each rule of `scoped check` enforces a sentence of the scoped-module process: "
        f"{PROCESS_SOURCE}. `scoped explain RULE` prints a rule's page in the terminal.\n\n"
        "| id | name | reports |\n|---|---|---|\n"
        f"{index}\n\n{pages}"
    )


if __name__ == "__main__":
    sys.stdout.write(render_all_markdown())
