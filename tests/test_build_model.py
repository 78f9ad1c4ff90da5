"""The CMake build model (resolve.build_model) on its own: the sources it predicts a build
compiles, checked against real ``cmake`` configure runs, and the constructs it treats
conservatively (an unknown implies nothing, and a note says where)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest
from build_helpers import compiled, holds, model_of
from helpers import write_tree

from scoped_modules.index import all_dirs
from scoped_modules.readers.cmake import read_cmake
from scoped_modules.readers.guards import implies_on_search
from scoped_modules.resolve.build_model import F_BUILD, build_model

# A project whose compiled sources depend on three toggles through the constructs the model
# evaluates: if/elseif/else, macros and functions (ARGN, named parameters, PARENT_SCOPE,
# cmake_parse_arguments), list and string commands, foreach over literal lists and RANGE,
# break(), file(GLOB), ${${name}}, a computed if(${...}), return() in a file and in a
# function, add_subdirectory, target_sources on a guarded target, generator expressions.
TRUTH_TABLE_PROJECT = {
    "CMakeLists.txt": """
        cmake_minimum_required(VERSION 3.18)
        project(tt CXX)
        option(A "" OFF)
        option(B "" OFF)
        option(C "" OFF)
        macro(add_srcs var)
          list(APPEND ${var} ${ARGN})
        endmacro()
        function(pick out)
          cmake_parse_arguments(P "" "" "WHEN_A;OTHERWISE" ${ARGN})
          if(A)
            set(${out} ${P_WHEN_A} PARENT_SCOPE)
          else()
            set(${out} ${P_OTHERWISE} PARENT_SCOPE)
          endif()
        endfunction()
        function(maybe_tool name)
          if(NOT B)
            return()
          endif()
          add_executable(${name} src/tool_${name}.cpp)
        endfunction()
        set(SRCS src/core.cpp)
        if(A AND NOT B)
          add_srcs(SRCS src/a_not_b.cpp)
        elseif(B OR C)
          add_srcs(SRCS src/b_or_c.cpp)
        else()
          add_srcs(SRCS src/none.cpp)
        endif()
        pick(CHOSEN WHEN_A src/when_a.cpp OTHERWISE src/otherwise.cpp)
        list(APPEND SRCS ${CHOSEN})
        foreach(x one two three)
          if(x STREQUAL "three")
            break()
          endif()
          if(B)
            list(APPEND SRCS src/loop_${x}.cpp)
          endif()
        endforeach()
        foreach(i RANGE 1 2)
          if(C)
            list(APPEND SRCS src/range_${i}.cpp)
          endif()
        endforeach()
        string(TOUPPER "c" up)
        if(${up})
          file(GLOB CSRCS ${CMAKE_CURRENT_SOURCE_DIR}/src/c/*.cpp)
          list(APPEND SRCS ${CSRCS})
        endif()
        set(SUFFIX "_x")
        string(APPEND SUFFIX ".cpp")
        string(REPLACE "_x" "_y" OTHER "${SUFFIX}")
        if(A)
          set(EXTRA src/extra${SUFFIX})
        else()
          set(EXTRA src/extra${OTHER})
        endif()
        list(APPEND SRCS ${EXTRA})
        set(removed src/core.cpp)
        if(B AND C)
          list(REMOVE_ITEM SRCS ${removed})
        endif()
        set(name SRCS)
        add_library(lib STATIC ${${name}} $<$<BOOL:${A}>:src/genex_a.cpp>)
        if(C OR A)
          add_library(guarded STATIC src/guarded.cpp)
        endif()
        if(A)
          target_sources(guarded PRIVATE src/guarded_a.cpp)
        endif()
        maybe_tool(t1)
        add_subdirectory(sub)
        include(cmake/more.cmake)
        if(B)
          add_subdirectory(loopsub)
        endif()
        """,
    "sub/CMakeLists.txt": """
        if(NOT C)
          return()
        endif()
        add_library(sublib STATIC s.cpp)
        if(A)
          target_sources(sublib PRIVATE s_a.cpp)
        endif()
        """,
    # a list set in a directory processed only under B: the loop sees its items, not the
    # value the variable had where the directory is not processed
    "loopsub/CMakeLists.txt": """
        set(LS l1.cpp l2.cpp)
        foreach(s IN LISTS LS)
          list(APPEND LSRCS ${s})
        endforeach()
        add_library(loopsub STATIC ${LSRCS})
        """,
    "cmake/more.cmake": """
        if(A AND B AND C)
          return()
        endif()
        add_library(more STATIC ${CMAKE_CURRENT_LIST_DIR}/../src/more.cpp)
        """,
}
SOURCES = [
    "src/core.cpp",
    "src/a_not_b.cpp",
    "src/b_or_c.cpp",
    "src/none.cpp",
    "src/when_a.cpp",
    "src/otherwise.cpp",
    "src/loop_one.cpp",
    "src/loop_two.cpp",
    "src/loop_three.cpp",
    "src/range_1.cpp",
    "src/range_2.cpp",
    "src/c/c1.cpp",
    "src/c/c2.cpp",
    "src/extra_x.cpp",
    "src/extra_y.cpp",
    "src/genex_a.cpp",
    "src/guarded.cpp",
    "src/guarded_a.cpp",
    "src/tool_t1.cpp",
    "src/more.cpp",
    "sub/s.cpp",
    "sub/s_a.cpp",
    "loopsub/l1.cpp",
    "loopsub/l2.cpp",
]


@pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("c++") is None,
    reason="cmake or a C++ compiler not installed",
)
def test_predicted_sources_match_real_configure_runs(tmp_path: Path) -> None:
    src = tmp_path / "src_root"
    write_tree(src, TRUTH_TABLE_PROJECT)
    for s in SOURCES:
        (src / s).parent.mkdir(parents=True, exist_ok=True)
        (src / s).write_text("int f();\n")
    files = {**TRUTH_TABLE_PROJECT, **dict.fromkeys(SOURCES, "")}
    model = model_of(files)
    assert model.notes == []
    build = tmp_path / "build"
    build.mkdir()
    for values in itertools.product((False, True), repeat=3):
        env = dict(zip("ABC", values, strict=True))
        flags = [f"-D{k}={'ON' if v else 'OFF'}" for k, v in env.items()]
        subprocess.run(
            [
                "cmake",
                "-S",
                str(src),
                "-B",
                str(build),
                "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                *flags,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        predicted = {s for s, g in model.build_cond.items() if holds(g, env)}
        assert predicted == compiled(build), env


# --- conservative readings ---------------------------------------------------------------------


def test_unknown_constructs_imply_nothing_and_are_noted() -> None:
    files = {
        "CMakeLists.txt": """
            cmake_minimum_required(VERSION 3.18)
            project(p CXX)
            find_package(CUDA)
            if(CUDA_FOUND)
              add_library(cu src/gpu/a.cu)
            endif()
            cmake_language(CALL add_library viaCall src/gpu/b.cu)
            cmake_language(EVAL CODE "add_library(x src/gpu/c.cu)")
            add_library(gx $<$<CONFIG:Debug>:src/gpu/d.cu>)
            while(MORE)
              add_library(w src/gpu/e.cu)
            endwhile()
            include(${SOMEWHERE}/x.cmake)
            """,
        **{f"src/gpu/{n}.cu": "" for n in "abcde"},
    }
    model = model_of(files, switches=["USE_GPU"])
    t = frozenset({"USE_GPU"})
    for name in "abde":
        g = model.build_cond[f"src/gpu/{name}.cu"]
        assert not implies_on_search(g, t), name
    assert [(n[1], n[2].split(":")[0]) for n in model.notes] == [
        (8, "cmake_language(EVAL) not understood"),
        (10, "while() loop not understood"),
        (13, "include() of a path the model does not know"),
    ]


def test_building_references_sit_at_the_call_of_a_helper() -> None:
    files = {
        "CMakeLists.txt": """
            project(p CXX)
            function(add_backend name)
              add_library(${name} ${ARGN})
            endfunction()
            if(USE_GPU)
              add_backend(gpu src/gpu/a.cpp)
            endif()
            add_backend(always src/gpu/b.cpp)
            """,
        "src/gpu/a.cpp": "",
        "src/gpu/b.cpp": "",
    }
    model = model_of(files)
    built = {
        (raw[2], targets): g for raw, g, targets in model.refs["CMakeLists.txt"] if raw[5] & F_BUILD
    }
    t = frozenset({"USE_GPU"})
    assert implies_on_search(built[(6, ("src/gpu/a.cpp",))], t)
    assert built[(8, ("src/gpu/b.cpp",))] is None


def test_a_macro_return_leaves_its_caller() -> None:
    # return() in a macro returns from the file that calls it, as CMake does
    files = {
        "CMakeLists.txt": """
            project(p CXX)
            macro(stop_unless flag)
              if(NOT ${flag})
                return()
              endif()
            endmacro()
            stop_unless(USE_X)
            add_library(x src/x.cpp)
            """,
        "src/x.cpp": "",
    }
    model = model_of(files)
    assert implies_on_search(model.build_cond["src/x.cpp"], frozenset({"USE_X"}))


def test_conditional_definitions_and_switches_stay_free() -> None:
    files = {
        "CMakeLists.txt": """
            cmake_minimum_required(VERSION 3.18)
            project(p CXX)
            include(cmake/config.cmake)
            option(USE_X "x" OFF)
            if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.12)
              macro(my_glob var)
                file(GLOB ${var} ${ARGN})
              endmacro()
            else()
              macro(my_glob)
              endmacro()
            endif()
            if(USE_X)
              my_glob(XS src/x/*.cpp)
              add_library(x ${XS})
            endif()
            """,
        # a config template sets the switch; the user can change it: it stays free
        "cmake/config.cmake": "set(USE_X OFF)\n",
        "src/x/a.cpp": "",
    }
    model = model_of(files)
    assert implies_on_search(model.build_cond["src/x/a.cpp"], frozenset({"USE_X"}))


# --- the implication test the model's larger guards need ---------------------------------------

_ATOMS = [("v", (n,)) for n in "TABCDEFGHIJ"]


def _guards(depth: int):  # noqa: ANN202 - a hypothesis strategy
    from hypothesis import strategies as st

    leaf = st.sampled_from(_ATOMS)
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.tuples(st.just("not"), kids),
            st.builds(lambda xs: ("and", *xs), st.lists(kids, min_size=2, max_size=4)),
            st.builds(lambda xs: ("or", *xs), st.lists(kids, min_size=2, max_size=4)),
        ),
        max_leaves=depth,
    )


def test_implies_on_search_agrees_with_the_exhaustive_test() -> None:
    from hypothesis import given, settings

    from scoped_modules.readers.guards import implies_on

    @settings(max_examples=400, deadline=None)
    @given(_guards(24))
    def check(g: tuple) -> None:
        t = frozenset({"T"})
        assert implies_on_search(g, t) == implies_on(g, t)

    check()


def test_implies_on_search_decides_beyond_sixteen_atoms() -> None:
    names = [("v", (f"X{i}",)) for i in range(40)]
    t = ("v", ("T",))
    wired = ("and", *names[:20], ("or", t, ("and", names[0], ("not", names[0]))), *names[20:])
    assert implies_on_search(wired, frozenset({"T"}))
    loose = ("and", *names[:20], ("or", t, names[39]))
    assert not implies_on_search(loose, frozenset({"T"}))


# --- robustness: no CMake text can make the model raise ----------------------------------------


def test_the_model_never_raises_on_any_cmake_text() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    words = st.sampled_from(
        [
            "if(",
            "elseif(",
            "else()",
            "endif()",
            "foreach(x ",
            "endforeach()",
            "while(",
            "endwhile()",
            "function(f ",
            "endfunction()",
            "macro(m ",
            "endmacro()",
            "return()",
            "break()",
            "continue()",
            "set(",
            "list(APPEND ",
            "list(REMOVE_ITEM ",
            "string(",
            "file(GLOB ",
            "add_library(",
            "add_subdirectory(",
            "include(",
            "f(",
            "m(",
            "cmake_parse_arguments(",
            "get_filename_component(",
            "math(EXPR ",
            "block()",
            "endblock()",
            "cmake_language(CALL ",
            "target_sources(",
            "add_definitions(",
            "configure_file(",
            "set_property(GLOBAL ",
            "get_property(",
            "option(",
            "project(",
            "${",
            "$<",
            "}",
            ">",
            ")",
            "(",
            '"',
            ";",
            " ",
            "\n",
            "A",
            "B",
            "X",
            "ARGN",
            "ARGV0",
            "src/a.cc",
            "sub",
            "*.cc",
            "PARENT_SCOPE",
            "CACHE",
            "NOT",
            "AND",
            "OR",
            "STREQUAL",
            "RANGE",
            "3",
            "IN",
            "LISTS",
            "TOUPPER",
            "REPLACE",
            ":",
            ",",
            "BOOL",
            "-DM",
        ]
    )
    text = st.lists(words, max_size=80).map("".join)

    @settings(max_examples=300, deadline=None)
    @given(text, text)
    def check(root: str, sub: str) -> None:
        files = {"CMakeLists.txt": root, "sub/CMakeLists.txt": sub, "src/a.cc": ""}
        facts = {p: read_cmake(t) for p, t in files.items() if p.endswith("CMakeLists.txt")}
        model = build_model(facts, frozenset(files), all_dirs(sorted(files)))
        for items in model.refs.values():
            for raw, _g, targets in items:
                assert raw[2] >= 1 and targets

    check()


# --- the work the model does stays linear in the size of the build ----------------------------


def _variants(n: int) -> dict[str, str]:
    """A build shaped like ggml's CPU variants: a function called once per variant includes,
    under the variant's own switch, a file that defines a helper macro, then calls the macro
    (which an earlier variant's include may have defined where this one's switch is off)."""
    calls = "".join(f"add_variant(v{k})\n" for k in range(n))
    files = {
        "CMakeLists.txt": "project(p C)\n"
        "function(add_variant tag)\n"
        "  if(HAVE_${tag})\n"
        "    include(cmake/helper.cmake)\n"
        "  endif()\n"
        "  check_feature(${tag})\n"
        "endfunction()\n" + calls,
        "cmake/helper.cmake": """
            macro(check_feature tag)
              set(SAVED_FLAGS ${FEATURE_FLAGS})
              set(FEATURE_FLAGS "${FEATURE_FLAGS} -m${tag}")
              if(USE_${tag})
                add_library(feat_${tag} src/${tag}.c)
                list(APPEND FEATURES ${tag})
              endif()
              set(FEATURE_FLAGS ${SAVED_FLAGS})
            endmacro()
            """,
    }
    files.update({f"src/v{k}.c": "" for k in range(n)})
    return files


def test_a_helper_defined_once_per_call_is_expanded_once_per_call() -> None:
    # Each include defines the same macro again, under its own switch. Kept as one more
    # definition each time, every call ran the body once per earlier definition it could not
    # rule out: quadratic in the number of variants (ggml's 45 CPU variants: 3,400 runs of
    # FindSIMD.cmake's check_sse for 180 calls). The commands the model evaluates, and the
    # condition nodes it makes, must grow linearly: doubling the variants at most doubles
    # what each step adds (a quadratic count would quadruple it).
    steps = []
    nodes = []
    for n in (8, 16, 32):
        model = model_of(_variants(n))
        steps.append(model.steps)
        nodes.append(model.conditions)
        # still the right answer: each variant's feature is built where its USE_ switch is on
        g = model.build_cond[f"src/v{n - 1}.c"]
        assert implies_on_search(g, frozenset({f"USE_v{n - 1}"}))
        assert holds(g, {f"USE_v{n - 1}", "HAVE_v0"})
    assert steps[2] - steps[1] <= 2 * (steps[1] - steps[0]), steps
    assert nodes[2] - nodes[1] <= 2 * (nodes[1] - nodes[0]) + 8, nodes


def _arch_variants(n: int) -> dict[str, str]:
    """ggml's CPU variants again, as they test the architecture: a function detects it once
    (a value the model does not know where neither test holds), and the function called once
    per variant tests it in an if()/elseif() chain, and once more within the branch."""
    arches = ("ARM", "x86", "PowerPC", "loongarch64", "riscv64", "s390x")
    chain = ""
    for k, a in enumerate(arches):
        chain += (
            f'  {"if" if k == 0 else "elseif"}(ARCH STREQUAL "{a}")\n'
            f"    list(APPEND SRCS src/{a}_${{tag}}.c)\n"
            f'    if(ARCH STREQUAL "{a}" AND USE_${{tag}})\n'
            f"      list(APPEND SRCS src/{a}_extra_${{tag}}.c)\n"
            "    endif()\n"
        )
    files = {
        "CMakeLists.txt": "project(p C)\n"
        "function(detect_arch)\n"
        '  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm)")\n'
        '    set(ARCH "ARM" PARENT_SCOPE)\n'
        '  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|amd64")\n'
        '    set(ARCH "x86" PARENT_SCOPE)\n'
        "  endif()\n"
        "endfunction()\n"
        "detect_arch()\n"
        "function(add_variant tag)\n"
        "  set(SRCS src/common.c)\n" + chain + "  endif()\n"
        "  add_library(cpu_${tag} ${SRCS})\n"
        "endfunction()\n" + "".join(f"add_variant(v{k})\n" for k in range(n)),
        "src/common.c": "",
    }
    files.update(
        {f"src/{a}_{x}v{k}.c": "" for a in arches for x in ("", "extra_") for k in range(n)}
    )
    return files


def _unknowns(g: object, seen: set[int] | None = None) -> set[int]:
    """The unknown atoms of a condition (by identity)."""
    seen = set() if seen is None else seen
    if not isinstance(g, tuple) or id(g) in seen:
        return set()
    seen.add(id(g))
    if g[0] == "u":
        return {id(g)}
    out: set[int] = set()
    for k in g[1:]:
        out |= _unknowns(k, seen)
    return out


def test_the_same_test_of_the_same_value_is_one_unknown_in_every_call() -> None:
    # ARCH holds "ARM", "x86", or its value from before detect_arch() (unknown): each
    # `ARCH STREQUAL "PowerPC"` tests that one value, so every call gives the same unknown,
    # and the variants share their conditions: the unknowns of all the sources' build
    # conditions, and the condition nodes each further variant makes, stay as many however
    # many variants there are (each test an unknown of its own made 63 nodes and 12 unknowns
    # a variant; one fact per test makes 18 nodes and no unknown).
    steps, nodes, unknowns = [], [], []
    for n in (8, 16, 32):
        model = model_of(_arch_variants(n))
        steps.append(model.steps)
        nodes.append(model.conditions)
        seen: set[int] = set()
        for cond in model.build_cond.values():
            seen |= _unknowns(cond)
        unknowns.append(len(seen))
        first = model.build_cond["src/PowerPC_v0.c"]
        last = model.build_cond[f"src/PowerPC_v{n - 1}.c"]
        assert _unknowns(first) == _unknowns(last)
        # the test within the branch is the branch's own: the extra source needs only USE_
        extra = model.build_cond[f"src/PowerPC_extra_v{n - 1}.c"]
        assert implies_on_search(extra, frozenset({f"USE_v{n - 1}"}))
    assert unknowns[0] == unknowns[1] == unknowns[2], unknowns
    assert steps[2] - steps[1] == 2 * (steps[1] - steps[0]), steps
    assert nodes[2] - nodes[1] <= 2 * (nodes[1] - nodes[0]), nodes
    assert (nodes[2] - nodes[1]) / 16 <= 24, nodes  # per variant, linear and shared
