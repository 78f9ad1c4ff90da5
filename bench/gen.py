"""Deterministic generator of synthetic polyglot repositories shaped like a compiler project.

Usage: ``python bench/gen.py --files 3000 --out DIR [--seed 0]``. The same (files, seed,
GENERATOR_VERSION) always gives byte-identical files and the same commit id.

Fixed shape (N = ``--files``, the exact number of tracked files):

* File sizes are long-tailed: each source file's base length is multiplied by a log-normal
  factor (``SIZE_MU``, ``SIZE_SIGMA``: mean ~2.6, p99 ~16) capped at ``SIZE_CAP``; one core Python
  file gets the cap (~0.5 MB). At 3,000 files: mean 16 KB, p99 ~113 KB, max ~0.55 MB.
* 50 % Python (``python/cobalt/...``, every directory a package, depth up to 6). A file has
  ~200 lines (times the size factor), ``import cobalt`` and two aliases
  (``import cobalt.a.b as _b_0``) used after ~60 % of the code blocks by a function calling
  through attribute chains (``cobalt.a.b.FooA(node)``) into core, and ~8 more imports: stdlib/external ones, absolute ``import a.b`` / ``from a.b import c``
  (some parenthesised over several lines), one relative import, one import inside a function,
  sometimes a ``try/except ImportError`` and an ``if TYPE_CHECKING:`` import. Some docstrings,
  comments and string literals mention imports of modules (they are not references).
* 40 % C/C++: public headers ``include/cobalt/...h``, private headers and sources ``src/...``,
  tests ``tests/cpp/...``; ~300 lines, ~10 ``#include`` (own header, ``<cobalt/...>`` through the
  include root, ``"../x/y.h"`` relative, system headers, one under ``#ifdef COBALT_USE_CUDA``).
  Some files carry an include in a comment or in ``#if 0`` (not references).
* ~2 % CMake: a root ``CMakeLists.txt`` with ``option(USE_X ...)`` per module,
  ``file(GLOB_RECURSE ...)`` over the core source directories, ``include(cmake/modules/X.cmake)``
  under ``if(USE_X)``, ``add_subdirectory(tests/cpp)``; ``cmake/config.cmake``; core feature
  ``cmake/modules/*.cmake``; ``tests/cpp/**/CMakeLists.txt``; helper ``cmake/utils/*.cmake``.
* the rest: Markdown docs, JSON configs, ``scoped.toml``, ``.importlinter``, ``tach.toml``,
  ``governance/votes/*.toml`` (one ballot file per module).

Modules: ``min(40, max(3, N // 100))``; module ``m`` owns ``python/cobalt/contrib/<m>/``,
``src/contrib/<m>/`` and ``cmake/modules/<M>.cmake`` (``MODULE_SHARE`` = 40 % of the Python and
C/C++ files in all); its cmake file collects its sources with the core helper function
``cobalt_module_sources`` (``cmake/utils/Utils.cmake``, which also defines ``cobalt_add_test``
used by the tests' CMakeLists). ``scoped.toml`` (schema 1) declares each at stage ``s0`` with toggles
``{ cmake = "USE_<M>", define = "COBALT_USE_<M>" }``, four committer owners and a PMC champion
from a generated ``[[people.person]]`` roster (9 PMC, 27 more committers), and a passing
``establish`` decision whose TOML ballot file is pinned by sha256.

References into modules from core:
* every module is wired by CMake (``include`` under ``if(USE_<M>)``, its cmake file globs
  ``src/contrib/<m>/*.cc``);
* modules with index % 3 != 2 get one guarded Python import in a core file
  (``if libinfo().get("USE_<M>", "OFF") == "ON":``, sometimes ``not RUNTIME_ONLY and ...``);
* modules with index % 2 == 0 get one ``#ifdef COBALT_USE_<M>`` / ``#if defined(...)`` include;
* modules with index % 4 == 1 ("offending") get 3 unguarded Python imports from core (top-level
  ``from``, inside a function, relative from ``cobalt.contrib``) and 2 unguarded ``#include``s.
Each injected statement sits in a different core file. The expected counts are written to
``<out>.manifest.json``: scoped's SM003 errors = 5 x offending; peers (which cannot see guards)
report unguarded + guarded Python imports.

Git: ``git init``, then one commit (``bench <bench@example.invalid>``, 2024-06-01, no global git
configuration read) made by a single ``git fast-import`` fed while the files are written, then
``git read-tree HEAD`` + ``git update-index --refresh``; see ``generate``. ``gc.auto = 0``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 2
# File sizes: a multiplier of the base length, log-normal (sigma 1, mean ~2.6), capped; one
# file per repository gets the cap (real repositories have a few ~0.5 MB files).
SIZE_MU, SIZE_SIGMA, SIZE_CAP = 0.455, 1.0, 75.0
# Share of the Python and C/C++ files owned by scoped modules.
MODULE_SHARE = 0.4
PKG = "cobalt"


def _words(text: str) -> list[str]:
    return text.split()


MODULE_NAMES = _words(
    """
    uma cutlass ethosn ethosu vitis_ai clml bnns cmsisnn arm_compute dnnl tensorrt coreml
    cublas cudnn rocblas mrvl libtorch nnapi onnxrt miopen thrust sort_kernels nvtx
    verilator vta_sim xnnpack openvino qnnpack mlas zephyr_rt cmsis_dsp ethos_npu hls4ml
    tflite_rt mps_graph oneapi npu_sim sve_kernels amx_tiles riscv_vec
"""
)

AREAS = _words(
    """
    ir relay tir te topi runtime target driver arith autotvm meta_schedule script testing
    relax dlight auto_scheduler rpc ffi instrument parser exec
"""
)

SUBDIRS = _words(
    """
    analysis transform backend frontend op schedule codegen passes utils lowering nn
    vision image random quantize memory graph dataflow builtin legalize expr printer
    distributed training tuning search cost_model database feature rules postproc mutator
    space intrin layout usmp aot vm interpreter debug profiling kernels
"""
)

STEMS = _words(
    """
    expr stmt base ops attrs pattern build lower tensor buffer function module_pass node
    visitor mutation printer_impl registry config context helpers common types shape loop
    vectorize unroll fuse inline simplify rewrite partition annotate tune measure cost
    task runner builder compiler emit allocate storage dtype span source_map diagnostic
    adt call var constant tuple let match struct_info block_builder normalize canonicalize
    eliminate hoist split reorder bind cache prefetch pipeline sync barrier thread device
"""
)

MODULE_STEMS = _words(
    """
    api codegen partition_rules runtime_wrapper patterns ops_table lowering_pass
    backend_impl target_hooks graph_builder kernels_impl tuning_space schedules
    compile_flow utils_impl layout_rewrite
"""
)

FIRST = _words(
    """
    ada bao chen dara eli femi gita hugo ines jun kofi lena mira nils omar pia quan rosa
    sami tara umar vera wen xia yuki zane
"""
)
LAST = _words(
    """
    okafor lindqvist tanaka moreau haddad novak silva ivanova kowalski nguyen osei brandt
    costa petrov rahman schulz
"""
)

STDLIB = [
    "import os",
    "import sys",
    "import re",
    "import math",
    "import logging",
    "import functools",
    "import itertools",
    "import collections",
    "import dataclasses",
    "from typing import Any, Dict, List, Optional",
    "import numpy as np",
    "from collections import OrderedDict",
    "import warnings",
    "import json",
]

SYS_HEADERS = _words(
    """
    vector string unordered_map memory utility algorithm functional sstream unordered_set
    tuple optional cstdint
"""
)

LICENSE_PY = (
    "# Licensed to the Cobalt project under the Apache License, Version 2.0.\n"
    "# See the NOTICE file distributed with this work for additional information.\n"
)
LICENSE_C = (
    "/*\n * Licensed to the Cobalt project under the Apache License, Version 2.0.\n"
    " * You may not use this file except in compliance with the License.\n"
    " * Unless required by applicable law or agreed to in writing, software\n"
    ' * distributed under the License is distributed on an "AS IS" BASIS,\n'
    " * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n */\n"
)

# Filler blocks: @N@ is replaced by a per-file unique identifier.
PY_BLOCKS = [
    '''def @N@(data, axis=0, keepdims=False):
    """Reduce ``data`` along ``axis``."""
    result = []
    for index, value in enumerate(data):
        if value is None:
            continue
        if keepdims:
            result.append((index, value))
        else:
            result.append(value)
    return result
''',
    '''class @C@:
    """Node type @C@."""

    __slots__ = ("name", "attrs", "span")

    def __init__(self, name, attrs=None, span=None):
        self.name = name
        self.attrs = dict(attrs or {})
        self.span = span

    def __repr__(self):
        return f"@C@({self.name!r})"

    def with_attr(self, key, value):
        attrs = dict(self.attrs)
        attrs[key] = value
        return @C@(self.name, attrs, self.span)
''',
    '''def @N@(shape, dtype="float32"):
    """Return the number of bytes of a tensor of ``shape``."""
    bits = {"float32": 32, "float16": 16, "int8": 8, "int32": 32}.get(dtype, 32)
    total = 1
    for extent in shape:
        if extent < 0:
            raise ValueError("negative extent in shape %s" % (shape,))
        total *= extent
    return total * bits // 8
''',
    '''@functools_cache_placeholder
def @N@(key, table=None):
    """Look ``key`` up in ``table`` with a readable error."""
    table = table or {}
    try:
        return table[key]
    except KeyError:
        known = ", ".join(sorted(str(k) for k in table))
        raise KeyError(f"unknown key {key!r}; known: {known}") from None
''',
    '''class @C@Visitor:
    """Walks a tree and collects nodes of interest."""

    def __init__(self):
        self.visited = set()
        self.collected = []

    def visit(self, node):
        if id(node) in self.visited:
            return
        self.visited.add(id(node))
        for child in getattr(node, "children", ()):
            self.visit(child)
        if getattr(node, "interesting", False):
            self.collected.append(node)
''',
    """def @N@(stmts, max_depth=8):
    # Flatten nested statement lists up to max_depth levels.
    out = []
    stack = [(stmts, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, tuple)) and depth < max_depth:
            stack.extend((sub, depth + 1) for sub in reversed(item))
        else:
            out.append(item)
    return out
""",
    """_@U@_DEFAULTS = {
    "opt_level": 3,
    "disabled_pass": [],
    "required_pass": [],
    "instruments": None,
    "config": {"tir.disable_vectorize": False},
}
""",
    '''def @N@(config=None, **overrides):
    """Merge user options into the defaults."""
    merged = dict(config or {})
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    merged.setdefault("opt_level", 2)
    return merged
''',
    '''class @C@Error(RuntimeError):
    """Raised when @C@ cannot be lowered."""

    def __init__(self, message, node=None):
        super().__init__(message)
        self.node = node

    def __str__(self):
        where = f" at {self.node!r}" if self.node is not None else ""
        return super().__str__() + where
''',
    '''def @N@(items, predicate=bool):
    """Split ``items`` into two lists by ``predicate``."""
    yes, no = [], []
    for item in items:
        (yes if predicate(item) else no).append(item)
    return yes, no
''',
    '''def @N@(name):
    """Return a message about an optional dependency.

    The text below is documentation, not code: ``import somewhere`` is never executed.
    """
    message = "from %s import handler is required for this pass" % name
    return message.strip()
''',
]

CPP_BLOCKS = [
    """/*!
 * \\brief Compute @N@ over the operands.
 * \\param args The operand list.
 * \\return The folded value.
 */
int64_t @N@(const std::vector<int64_t>& args) {
  int64_t acc = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] < 0) {
      continue;
    }
    acc += args[i] * static_cast<int64_t>(i + 1);
  }
  return acc;
}
""",
    """class @C@ : public Object {
 public:
  std::string name;
  std::vector<int> shape;

  @C@() = default;
  explicit @C@(std::string n) : name(std::move(n)) {}

  bool IsScalar() const { return shape.empty(); }
  size_t NumElements() const {
    size_t n = 1;
    for (int s : shape) n *= static_cast<size_t>(s);
    return n;
  }

  static constexpr const char* _type_key = "cobalt.@C@";
};
""",
    """static std::unordered_map<std::string, int>& @N@Table() {
  // Lazily built lookup table; not thread safe by design (filled at static init).
  static std::unordered_map<std::string, int> table = {
      {"add", 1}, {"sub", 2}, {"mul", 3}, {"div", 4},
      {"min", 5}, {"max", 6}, {"select", 7},
  };
  return table;
}
""",
    """void @N@(std::vector<std::string>* out, const std::string& text, char sep) {
  std::string current;
  for (char c : text) {
    if (c == sep) {
      out->push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out->push_back(current);
}
""",
    """template <typename T>
T @N@(const std::vector<T>& values, T init) {
  /* Reduce with a simple loop so that the compiler can vectorize it. */
  T acc = init;
  for (const T& v : values) {
    acc = std::max(acc, v);
  }
  return acc;
}
""",
    """struct @C@Config {
  int opt_level{2};
  bool enable_vectorize{true};
  bool enable_unroll{false};
  std::string target{"llvm"};

  bool operator==(const @C@Config& other) const {
    return opt_level == other.opt_level && enable_vectorize == other.enable_vectorize &&
           enable_unroll == other.enable_unroll && target == other.target;
  }
};
""",
    """bool @N@(const std::string& name) {
  // Names starting with an underscore are private to the pass.
  if (name.empty()) return false;
  if (name[0] == '_') return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}
""",
]


PY_BLOCKS_N = [(b.replace("@functools_cache_placeholder\n", ""), b.count("\n")) for b in PY_BLOCKS]
CPP_BLOCKS_N = [(b, b.count("\n")) for b in CPP_BLOCKS]


@dataclass
class PyFile:
    path: str  # repository-relative
    dotted: str
    package: str  # dotted name of the containing package
    module: str | None  # scoped module owning it
    is_init: bool = False
    extra_top: list[str] = field(default_factory=list)
    extra_func: list[str] = field(default_factory=list)
    extra_tail: list[str] = field(default_factory=list)
    needs_libinfo: bool = False


@dataclass
class CFile:
    path: str
    kind: str  # "pub" | "priv" | "src" | "test" | "mod_src" | "mod_hdr"
    module: str | None
    area: str
    extra: list[str] = field(default_factory=list)


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def make_tree(
    rng: random.Random, roots: list[str], n_dirs: int, max_depth: int, forbidden: set[str]
) -> list[tuple[str, ...]]:
    """Directory tuples: the roots, then children added under random existing directories."""
    dirs: list[tuple[str, ...]] = [(r,) for r in roots]
    children: dict[tuple[str, ...], set[str]] = {d: set() for d in dirs}
    attempts = 0
    while len(dirs) < n_dirs and attempts < n_dirs * 50:
        attempts += 1
        parent = dirs[rng.randrange(len(dirs))]
        if len(parent) >= max_depth:
            continue
        name = rng.choice(SUBDIRS)
        if name in children[parent] or name in forbidden:
            name = f"{name}_{len(children[parent])}"
            if name in children[parent]:
                continue
        children[parent].add(name)
        child = parent + (name,)
        dirs.append(child)
        children[child] = set()
    return dirs


def unique_stems(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` file stems from STEMS (then ``stem_2``, ``stem_3``...) not in ``taken``."""
    out = []
    n = len(STEMS)
    start = rng.randrange(n)
    k = 0
    while len(out) < count:
        base = STEMS[(start + k * 7) % n]  # 7 is prime to len(STEMS): a permutation
        stem = base if k < n else f"{base}_{k // n + 1}"
        k += 1
        if stem in taken:
            continue
        taken.add(stem)
        out.append(stem)
    return out


class Generator:
    def __init__(self, n_files: int, seed: int = 0):
        if n_files < 300:
            raise ValueError("--files must be at least 300")
        self.n = n_files
        self.seed = seed
        self.key = f"scoped-bench:{GENERATOR_VERSION}:{seed}:{n_files}"
        self.rng = random.Random(self.key)  # planning; each file has its own (render_*)
        self.n_mod = min(40, max(3, n_files // 100))
        self.modules = MODULE_NAMES[: self.n_mod]
        self.files: dict[str, str] = {}
        forbidden = set(self.modules)
        for vocab in (AREAS, SUBDIRS, STEMS):
            clash = forbidden.intersection(vocab)
            assert not clash, clash

    # ------------------------------------------------------------------ plan
    def plan(self) -> None:
        rng = self.rng
        n = self.n
        n_py = n // 2
        n_cpp = n * 2 // 5
        n_cmake_target = max(self.n_mod + 12, n // 50)
        self.n_py, self.n_cpp = n_py, n_cpp

        # ---- people
        people = []
        used = set()
        while len(people) < 36:
            handle = f"{rng.choice(FIRST)}-{rng.choice(LAST)}"
            if handle in used:
                continue
            used.add(handle)
            people.append(handle)
        self.pmc = people[:9]
        self.committers = people[9:]
        self.people = people

        # ---- Python
        mod_py_total = max(3 * self.n_mod, int(n_py * MODULE_SHARE))
        mod_py = self._spread(mod_py_total, self.n_mod, minimum=3)
        core_py = n_py - sum(mod_py)
        n_pkgs = max(len(AREAS) + 1, core_py // 22)
        forbidden = set(self.modules)
        pkg_dirs = make_tree(rng, AREAS, n_pkgs - 1, 5, forbidden)
        pkg_dirs = [()] + [("contrib",)] + pkg_dirs[: n_pkgs - 2]
        self.py: list[PyFile] = []
        per_pkg = self._spread(core_py, len(pkg_dirs), minimum=3)
        for d, count in zip(pkg_dirs, per_pkg, strict=True):
            self._add_py_package((PKG,) + d, count, None)
        # the first non-init file of the top package is `support` (libinfo, read by guards)
        support = self.py[1]
        support.path, support.dotted = f"python/{PKG}/support.py", f"{PKG}.support"
        for m, count in zip(self.modules, mod_py, strict=True):
            # module: a package with a couple of subpackages when large enough
            subs = [()] if count < 12 else [(), ("passes",), ("runtime",)]
            split = self._spread(count, len(subs), minimum=3)
            for s, c in zip(subs, split, strict=True):
                self._add_py_package((PKG, "contrib", m) + s, c, m)
        assert len(self.py) == n_py, (len(self.py), n_py)
        self.core_py = [f for f in self.py if f.module is None]
        self.py_by_pkg: dict[str, list[PyFile]] = {}
        for f in self.py:
            self.py_by_pkg.setdefault(f.package, []).append(f)

        # ---- C/C++
        mod_c_total = max(2 * self.n_mod, int(n_cpp * MODULE_SHARE))
        mod_c = self._spread(mod_c_total, self.n_mod, minimum=2)
        core_c = n_cpp - sum(mod_c)
        n_test = max(4, core_c // 20)
        n_pub = core_c * 3 // 10
        n_priv = core_c // 10
        n_src = core_c - n_test - n_pub - n_priv
        c_dirs = make_tree(
            rng,
            [a for a in AREAS if a not in ("testing", "script")],
            max(10, (n_pub + n_priv + n_src) // 25),
            4,
            forbidden,
        )
        self.c_dirs = c_dirs
        self.cfiles: list[CFile] = []
        taken_by_dir: dict[tuple[str, ...], set[str]] = {}
        for kind, count in (("pub", n_pub), ("priv", n_priv), ("src", n_src)):
            for _ in range(count):
                d = c_dirs[rng.randrange(len(c_dirs))]
                stem = unique_stems(rng, 1, taken_by_dir.setdefault((kind == "pub",) + d, set()))[0]
                sub = "/".join(d)
                if kind == "pub":
                    path = f"include/{PKG}/{sub}/{stem}.h"
                elif kind == "priv":
                    path = f"src/{sub}/{stem}.h"
                else:
                    path = f"src/{sub}/{stem}.cc"
                self.cfiles.append(CFile(path, kind, None, d[0]))
        test_dirs = sorted({d[:2] for d in c_dirs})[: max(2, n_test // 4)]
        self.test_dirs = test_dirs
        for i in range(n_test):
            d = test_dirs[i % len(test_dirs)]
            stem = unique_stems(rng, 1, taken_by_dir.setdefault(("test",) + d, set()))[0]
            self.cfiles.append(CFile(f"tests/cpp/{'/'.join(d)}/{stem}_test.cc", "test", None, d[0]))
        for m, count in zip(self.modules, mod_c, strict=True):
            n_h = max(1, count // 3)
            stems = [
                s if i < len(MODULE_STEMS) else f"{s}_{i}"
                for i, s in enumerate((MODULE_STEMS * (count // len(MODULE_STEMS) + 1))[:count])
            ]
            for i, stem in enumerate(stems):
                kind = "mod_hdr" if i < n_h else "mod_src"
                ext = ".h" if kind == "mod_hdr" else ".cc"
                self.cfiles.append(CFile(f"src/contrib/{m}/{stem}{ext}", kind, m, "contrib"))
        assert len(self.cfiles) == n_cpp
        self.pub_headers = [f for f in self.cfiles if f.kind == "pub"]
        self.priv_headers = [f for f in self.cfiles if f.kind == "priv"]
        self.core_sources = [f for f in self.cfiles if f.kind == "src"]
        self.n_cmake_target = n_cmake_target
        self.giant = self.py.index(self.core_py[len(self.core_py) // 2])  # one ~0.5 MB file

        self._inject()

    def _size(self, rng: random.Random, idx: int) -> float:
        """Length multiplier of the idx-th source file: long-tailed, one file at the cap."""
        if idx == self.giant:
            return SIZE_CAP
        return min(SIZE_CAP, rng.lognormvariate(SIZE_MU, SIZE_SIGMA))

    def _spread(self, total: int, parts: int, minimum: int) -> list[int]:
        weights = [self.rng.uniform(0.5, 1.5) for _ in range(parts)]
        rest = total - minimum * parts
        assert rest >= 0, (total, parts, minimum)
        s = sum(weights)
        out = [minimum + int(rest * w / s) for w in weights]
        for i in range(total - sum(out)):
            out[i % parts] += 1
        return out

    def _add_py_package(self, parts: tuple[str, ...], count: int, module: str | None) -> None:
        dotted = ".".join(parts)
        base = "python/" + "/".join(parts)
        self.py.append(PyFile(f"{base}/__init__.py", dotted, dotted, module, is_init=True))
        stems = (
            unique_stems(self.rng, count - 1, set(self.modules))
            if module is None
            else [
                s if i < len(MODULE_STEMS) else f"{s}_{i}"
                for i, s in enumerate(
                    (MODULE_STEMS * (count // len(MODULE_STEMS) + 1))[: count - 1]
                )
            ]
        )
        for stem in stems:
            self.py.append(PyFile(f"{base}/{stem}.py", f"{dotted}.{stem}", dotted, module))

    # ------------------------------------------------------------- injections
    def _inject(self) -> None:
        rng = self.rng
        candidates = [
            f for f in self.core_py if not f.is_init and f.package not in (PKG, f"{PKG}.contrib")
        ]
        rng.shuffle(candidates)
        contrib_core = [f for f in self.core_py if f.package == f"{PKG}.contrib" and not f.is_init]
        c_candidates = self.core_sources[:]
        rng.shuffle(c_candidates)
        self.expect = {
            "offending_modules": [],
            "py_unguarded": 0,
            "py_guarded": 0,
            "cpp_unguarded": 0,
            "cpp_guarded": 0,
            "cmake_wired": self.n_mod,
        }
        mod_py_targets = {
            m: [f for f in self.py if f.module == m and not f.is_init] for m in self.modules
        }
        mod_headers = {
            m: [f for f in self.cfiles if f.kind == "mod_hdr" and f.module == m]
            for m in self.modules
        }
        self.inbound: list[dict] = []

        def take_py() -> PyFile:
            return candidates.pop()

        for i, m in enumerate(self.modules):
            targets = mod_py_targets[m] or [f for f in self.py if f.module == m]
            tgt = targets[0]
            sub = tgt.dotted.rsplit(".", 1)[1] if not tgt.is_init else None
            frm = f"{PKG}.contrib.{m}" if sub else f"{PKG}.contrib"
            name = sub or m
            if i % 4 == 1:
                self.expect["offending_modules"].append(m)
                f1 = take_py()
                f1.extra_top.append(f"from {frm} import {name}")
                f2 = take_py()
                f2.extra_func.append(f"from {frm} import {name} as _impl")
                # relative import from the core contrib package
                rel_target = f".{m}" if sub is None else f".{m}.{sub}"
                f3 = next((f for f in contrib_core if not (f.extra_top or f.extra_tail)), None)
                if f3 is None or sub is None:
                    f3 = take_py()
                    f3.extra_top.append(f"from {frm} import {name} as _mod_{i}")
                else:
                    f3.extra_top.append(f"from {rel_target} import *  # noqa: F403")
                for f in (f1, f2, f3):
                    self.inbound.append(
                        {"module": m, "path": f.path, "guarded": False, "kind": "python-import"}
                    )
                self.expect["py_unguarded"] += 3
                for _ in range(2):
                    src = c_candidates.pop()
                    hdr = mod_headers[m][0]
                    rel = os.path.relpath(hdr.path, os.path.dirname(src.path))
                    src.extra.append(f'#include "{rel}"')
                    self.inbound.append(
                        {"module": m, "path": src.path, "guarded": False, "kind": "cpp-include"}
                    )
                    self.expect["cpp_unguarded"] += 1
            if i % 3 != 2:
                f = take_py()
                f.needs_libinfo = True
                cond = (
                    f'libinfo().get("USE_{m.upper()}", "OFF") == "ON"'
                    if i % 2 == 0
                    else f'not RUNTIME_ONLY and libinfo().get("USE_{m.upper()}", "OFF") == "ON"'
                )
                f.extra_tail.append(f"if {cond}:\n    from {frm} import {name}  # noqa: F401\n")
                self.inbound.append(
                    {"module": m, "path": f.path, "guarded": True, "kind": "python-import"}
                )
                self.expect["py_guarded"] += 1
            if i % 2 == 0:
                src = c_candidates.pop()
                hdr = mod_headers[m][-1]
                rel = os.path.relpath(hdr.path, os.path.dirname(src.path))
                define = f"COBALT_USE_{m.upper()}"
                guard = f"#ifdef {define}" if i % 4 == 0 else f"#if defined({define}) && {define}"
                src.extra.append(f'{guard}\n#include "{rel}"\n#endif  // {define}')
                self.inbound.append(
                    {"module": m, "path": src.path, "guarded": True, "kind": "cpp-include"}
                )
                self.expect["cpp_guarded"] += 1
        e = self.expect
        e["scoped_sm003"] = e["py_unguarded"] + e["cpp_unguarded"]
        e["peer_python_violations"] = e["py_unguarded"] + e["py_guarded"]

    # --------------------------------------------------------------- render
    def render_py(self, f: PyFile, idx: int) -> str:
        rng = random.Random(f"{self.key}:{f.path}")
        uid = f"f{idx}"
        cuid = camel(uid)
        out = [LICENSE_PY]
        doc = [f'"""{f.dotted}: generated module {idx}.']
        if rng.random() < 0.15:
            m = rng.choice(self.modules)
            doc += [
                "Example::",
                "",
                f"    from {PKG}.contrib.{m} import api",
                f"    import {PKG}.contrib.{m}.codegen",
            ]
        doc.append('"""' if len(doc) == 1 else '\n"""')
        out.append("\n".join(doc) + "\n")
        imports: list[str] = []
        if rng.random() < 0.5:
            imports.append("from __future__ import annotations")
        imports += rng.sample(STDLIB, 2)
        pool = self.core_py
        # attribute chains after a top-level import, and aliases (``import a.b.c as x``)
        chain_pool = [t for t in (pool[rng.randrange(len(pool))] for _ in range(6))]
        chain_pool = [
            t
            for t in chain_pool
            if t.dotted not in (f.dotted, PKG) and not t.dotted.startswith(f"{PKG}.contrib")
        ]
        aliases: list[str] = []
        if chain_pool:
            imports.append(f"import {PKG}")
            for j, t in enumerate(chain_pool[:2]):
                aliases.append(f"_{t.dotted.rsplit('.', 1)[1]}_{j}")
                imports.append(f"import {t.dotted} as {aliases[-1]}")
        targets = [pool[rng.randrange(len(pool))] for _ in range(4)]
        for j, t in enumerate(targets):
            if t.dotted == f.dotted:
                continue
            form = (j + idx) % 4
            if form == 0:
                imports.append(f"import {t.dotted}")
            elif form == 1 and "." in t.dotted:
                pkg, leaf = t.dotted.rsplit(".", 1)
                imports.append(f"from {pkg} import {leaf}")
            elif form == 2:
                imports.append(f"from {t.dotted} import (\n    {camel(uid)}A,\n    helper_{j},\n)")
            else:
                imports.append(f"from {t.dotted} import {camel(uid)}B as _b{j}")
        # one relative import
        siblings = [s for s in self.py_by_pkg.get(f.package, []) if s is not f and not s.is_init]
        if siblings:
            s = siblings[rng.randrange(len(siblings))]
            leaf = s.dotted.rsplit(".", 1)[1]
            if f.is_init:
                imports.append(f"from . import {leaf}")
            else:
                imports.append(f"from .{leaf} import {camel(leaf)}")
        elif f.package.count(".") >= 1:
            parent = f.package.rsplit(".", 1)[0]
            ups = [s for s in self.py_by_pkg.get(parent, []) if not s.is_init]
            if ups:
                leaf = ups[rng.randrange(len(ups))].dotted.rsplit(".", 1)[1]
                imports.append(f"from .. import {leaf}")
        if f.needs_libinfo:
            imports.append(f"from {PKG}.support import libinfo")
            imports.append("RUNTIME_ONLY = False")
        imports += f.extra_top
        if rng.random() < 0.3:
            imports.append("try:\n    import scipy.sparse\nexcept ImportError:\n    scipy = None")
        if rng.random() < 0.2:
            t = pool[rng.randrange(len(pool))]
            imports.append(
                f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                f"    from {t.dotted} import Node"
            )
        out.append("\n".join(imports) + "\n")
        if rng.random() < 0.1:
            m = rng.choice(self.modules)
            out.append(f"# Do not `import {PKG}.contrib.{m}` here: it is a scoped module.\n")
            out.append(f'_HINT = "from {PKG}.contrib.{m} import api"\n\n')
        target_lines = int(rng.randint(160, 240) * self._size(rng, idx))
        lines = sum(s.count("\n") for s in out)
        k = 0
        func_done = False
        while lines < target_lines:
            block, n_lines = PY_BLOCKS_N[rng.randrange(len(PY_BLOCKS_N))]
            block = (
                block.replace("@N@", f"{uid}_{k}")
                .replace("@C@", f"{cuid}{k}")
                .replace("@U@", f"{uid.upper()}{k}")
            )
            out.append("\n\n" + block)
            lines += n_lines + 2
            k += 1
            if chain_pool and rng.random() < 0.6:
                a, b = rng.choice(chain_pool), rng.choice(chain_pool)
                alias = rng.choice(aliases)
                out.append(
                    f"\n\ndef {uid}_use_{k}(node, ctx=None):\n"
                    f'    """Delegate to ``{a.dotted}`` and ``{b.dotted}``."""\n'
                    f"    node = {a.dotted}.{camel(uid)}A(node)\n"
                    f"    if ctx is not None and {b.dotted}.helper_{k % 4}(ctx):\n"
                    f"        return {alias}.helper_{k % 3}(node, ctx.attrs)\n"
                    f"    return {b.dotted}.{camel(uid)}B.from_node(node).value\n"
                )
                lines += 7
            if not func_done and lines > target_lines // 2:
                t = pool[rng.randrange(len(pool))]
                body = [f"    from {t.dotted} import {camel(uid)}L"] + [
                    f"    {x}" for x in f.extra_func
                ]
                out.append(
                    f"\n\ndef _lazy_{uid}():\n"
                    + "\n".join(body)
                    + f"\n\n    return {camel(uid)}L\n"
                )
                lines += 5 + len(f.extra_func)
                func_done = True
        for tail in f.extra_tail:
            out.append("\n\n" + tail)
        return "".join(out)

    def render_c(self, f: CFile, idx: int) -> str:
        rng = random.Random(f"{self.key}:{f.path}")
        uid = f"f{idx}"
        cuid = camel(uid)
        out = [LICENSE_C, f"\n/*!\n * \\file {f.path}\n * \\brief Generated unit {idx}.\n */\n"]
        is_header = f.path.endswith(".h")
        if is_header:
            out.append("#pragma once\n\n")
        inc: list[str] = []
        if f.kind == "src":
            own = f"include/{PKG}/" + f.path[4:-3] + ".h"
            if own in self._pub_paths:
                inc.append(f"#include <{own[8:]}>")
        for _ in range(4):
            h = self.pub_headers[rng.randrange(len(self.pub_headers))]
            style = rng.random()
            inc.append(f"#include <{h.path[8:]}>" if style < 0.7 else f'#include "{h.path[8:]}"')
        if f.kind in ("src", "priv", "mod_src", "test") and self.priv_headers:
            h = self.priv_headers[rng.randrange(len(self.priv_headers))]
            rel = os.path.relpath(h.path, os.path.dirname(f.path))
            inc.append(f'#include "{rel}"')
        if f.kind == "mod_src":
            hdrs = [g for g in self._mod_hdrs[f.module] if g is not f]
            if hdrs:
                inc.append(f'#include "{os.path.basename(hdrs[0].path)}"')
        inc += [f"#include <{s}>" for s in rng.sample(SYS_HEADERS, 4)]
        inc.append("#ifdef COBALT_USE_CUDA\n#include <cuda_runtime.h>\n#endif")
        inc += f.extra
        out.append("\n".join(inc) + "\n\n")
        if f.kind == "src" and rng.random() < 0.1:
            m = rng.choice(self.modules)
            rel = os.path.relpath(self._mod_hdrs[m][0].path, os.path.dirname(f.path))
            out.append(
                f'// #include "{rel}" is provided by the {m} module.\n'
                f'#if 0\n#include "{rel}"\n#endif\n\n'
            )
        ns = f.area if f.area.isidentifier() else "detail"
        out.append(f"namespace {PKG} {{\nnamespace {ns} {{\n")
        target_lines = int(rng.randint(240, 360) * self._size(rng, len(self.py) + idx))
        lines = sum(s.count("\n") for s in out)
        k = 0
        while lines < target_lines:
            block, n_lines = CPP_BLOCKS_N[rng.randrange(len(CPP_BLOCKS_N))]
            block = block.replace("@N@", f"{cuid}Fn{k}").replace("@C@", f"{cuid}N{k}")
            out.append("\n" + block)
            lines += n_lines + 1
            k += 1
        out.append(f"\n}}  // namespace {ns}\n}}  // namespace {PKG}\n")
        return "".join(out)

    # ----------------------------------------------------------- cmake, misc
    def render_cmake(self) -> None:
        files = self.files
        core_areas = sorted({d[0] for d in self.c_dirs})
        root = [
            "cmake_minimum_required(VERSION 3.18)",
            f"project({PKG} C CXX)",
            "",
            "include(cmake/utils/Utils.cmake)",
            "include(cmake/config.cmake OPTIONAL)",
            "",
            "# Core features",
            'option(USE_CUDA "Build with CUDA" OFF)',
            'option(USE_LLVM "Build with LLVM" ON)',
            'option(BUILD_TESTING "Build tests" OFF)',
            "",
            "# Scoped modules: each is off unless its toggle is set",
        ]
        for m in self.modules:
            root.append(f'option(USE_{m.upper()} "Build the {m} scoped module" OFF)')
        root += [
            "",
            "include_directories(${CMAKE_CURRENT_SOURCE_DIR}/include)",
            "",
            "file(GLOB_RECURSE COMPILER_SRCS",
        ]
        root += [f"    src/{a}/*.cc" for a in core_areas if a != "runtime"]
        root += [")", "file(GLOB_RECURSE RUNTIME_SRCS src/runtime/*.cc)", ""]
        feats = ["CUDA", "LLVM", "OpenCL", "Vulkan", "Metal", "ROCM"]
        for feat in feats:
            root.append(f"include(cmake/modules/{feat}.cmake)")
            files[f"cmake/modules/{feat}.cmake"] = (
                f"# Core feature {feat}\nif(USE_{feat.upper()})\n"
                f'  message(STATUS "Build with {feat}")\n'
                f"  file(GLOB {feat.upper()}_SRCS src/runtime/{feat.lower()}/*.cc)\n"
                f"  list(APPEND RUNTIME_SRCS ${{{feat.upper()}_SRCS}})\n"
                f"  add_definitions(-DCOBALT_USE_{feat.upper()}=1)\nendif()\n"
            )
        root.append("")
        config = ["# Copy to build/config.cmake and edit.", "set(USE_CUDA OFF)", "set(USE_LLVM ON)"]
        for m in self.modules:
            M = m.upper()
            root += [f"if(USE_{M})", f"  include(cmake/modules/{camel(m)}.cmake)", "endif()"]
            config.append(f"set(USE_{M} OFF)")
            files[f"cmake/modules/{camel(m)}.cmake"] = (
                f"# Scoped module {m}: built only when USE_{M} is ON.\n"
                f'message(STATUS "Build with {m}")\n'
                f"cobalt_module_sources({M}_SRCS ${{CMAKE_CURRENT_SOURCE_DIR}}/src/contrib/{m})\n"
                f"list(APPEND COMPILER_SRCS ${{{M}_SRCS}})\n"
                f"add_definitions(-DCOBALT_USE_{M}=1)\n"
            )
        root += [
            "",
            "add_library(cobalt_objs OBJECT ${COMPILER_SRCS} ${RUNTIME_SRCS})",
            "add_library(cobalt SHARED $<TARGET_OBJECTS:cobalt_objs>)",
            "",
            "if(BUILD_TESTING)",
            "  add_subdirectory(tests/cpp)",
            "endif()",
            "",
        ]
        files["cmake/config.cmake"] = "\n".join(config) + "\n"
        # tests tree
        tops = sorted({d[0] for d in self.test_dirs})
        files["tests/cpp/CMakeLists.txt"] = (
            "\n".join(["enable_testing()"] + [f"add_subdirectory({t})" for t in tops]) + "\n"
        )
        for t in tops:
            subs = sorted(d for d in self.test_dirs if d[0] == t)
            lines = [f"add_subdirectory({d[1]})" for d in subs if len(d) > 1]
            if any(len(d) == 1 for d in subs):
                lines.append("file(GLOB TEST_SRCS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)")
            files[f"tests/cpp/{t}/CMakeLists.txt"] = "\n".join(lines) + "\n"
            for d in subs:
                if len(d) > 1:
                    name = "_".join(d)
                    files[f"tests/cpp/{'/'.join(d)}/CMakeLists.txt"] = (
                        f"cobalt_add_test({name} ${{CMAKE_CURRENT_SOURCE_DIR}})\n"
                    )
        files["CMakeLists.txt"] = "\n".join(root)
        n_now = sum(1 for p in files if p.endswith((".cmake", "CMakeLists.txt")))
        n_utils = max(1, self.n_cmake_target - n_now)
        utils = [
            f"include(${{CMAKE_CURRENT_LIST_DIR}}/Util{i:04d}.cmake)" for i in range(n_utils - 1)
        ]
        files["cmake/utils/Utils.cmake"] = (
            "# Helper functions\n"
            "function(cobalt_module_sources out dir)\n"
            "  # the sources of a scoped module, for the module's own cmake file\n"
            "  file(GLOB_RECURSE _srcs ${dir}/*.cc)\n"
            "  set(${out} ${_srcs} PARENT_SCOPE)\n"
            "endfunction()\n\n"
            "function(cobalt_add_test name dir)\n"
            "  file(GLOB _tests ${dir}/*_test.cc)\n"
            "  add_executable(${name}_tests ${_tests})\n"
            "  target_link_libraries(${name}_tests cobalt gtest_main)\n"
            "  add_test(NAME ${name} COMMAND ${name}_tests)\n"
            "endfunction()\n\n" + "\n".join(utils) + "\n"
        )
        for i in range(n_utils - 1):
            files[f"cmake/utils/Util{i:04d}.cmake"] = (
                f"function(cobalt_util_{i} target)\n"
                f"  if(NOT TARGET ${{target}})\n"
                f'    message(FATAL_ERROR "cobalt_util_{i}: no target ${{target}}")\n'
                f"  endif()\n"
                f"  target_compile_options(${{target}} PRIVATE -Wall)\n"
                f"endfunction()\n"
            )

    def render_registry(self) -> None:
        rng = self.rng
        files = self.files
        lines = [
            "schema = 1",
            "",
            "[project]",
            f'name = "{PKG}"',
            'rules = "tvm-s0"',
            'python_roots = ["python"]',
            'include_roots = ["include"]',
            'config_templates = ["cmake/config.cmake"]',
            "",
        ]
        for h in self.people:
            roles = ['{ role = "committer", since = 2019-01-01 }']
            if h in self.pmc:
                roles.insert(0, '{ role = "pmc", since = 2020-01-01 }')
            first, last = h.split("-")
            lines += [
                "[[people.person]]",
                f'handle = "{h}"',
                f'name = "{first.capitalize()} {last.capitalize()}"',
                f'emails = ["{h}@example.org"]',
                f"roles = [{', '.join(roles)}]",
                "",
            ]
        for i, m in enumerate(self.modules):
            owners = rng.sample(self.committers, 4)
            champion = self.pmc[i % len(self.pmc)]
            day = 1 + (i % 20)
            opened = f"2024-03-{day:02d}T00:00:00Z"
            closes = f"2024-03-{day + 4:02d}T00:00:00Z"
            voters = [champion] + [p for p in self.pmc if p != champion][:5] + owners
            ballots = []
            for j, v in enumerate(voters):
                ballots += [
                    "[[ballot]]",
                    f'voter = "{v}"',
                    'vote = "+1"',
                    f"at = 2024-03-{day + 1:02d}T{(j % 20) + 1:02d}:00:00Z",
                    f'source = "https://lists.example.org/thread/{m}-s0#{j}"',
                    "",
                ]
            vote_path = f"governance/votes/{m}-s0.toml"
            body = "\n".join(ballots)
            files[vote_path] = body
            digest = hashlib.sha256(body.encode()).hexdigest()
            M = m.upper()
            lines += [
                f"[modules.{m}]",
                'stage = "s0"',
                f'summary = "{camel(m)} accelerator integration"',
                f'paths = ["python/{PKG}/contrib/{m}/", "src/contrib/{m}/", '
                f'"cmake/modules/{camel(m)}.cmake"]',
                f'toggles = [{{ cmake = "USE_{M}", define = "COBALT_USE_{M}" }}]',
                "owners = [" + ", ".join(f'"{o}"' for o in owners) + "]",
                f'champion = "{champion}"',
                "",
                f"[[modules.{m}.decisions]]",
                f'id = "{m}-s0"',
                'kind = "establish"',
                f"opened = {opened}",
                f"closes = {closes}",
                f'evidence = [{{ path = "{vote_path}", sha256 = "{digest}" }}]',
                'result = "passed"',
                "",
                f"[[modules.{m}.history]]",
                f"date = 2024-03-{day + 4:02d}",
                'stage = "s0"',
                f'decision = "{m}-s0"',
                "",
            ]
        files["scoped.toml"] = "\n".join(lines)

    def render_peers(self) -> None:
        il = ["[importlinter]", "root_packages =", f"    {PKG}", ""]
        # tach: core is an explicit module (`cobalt`, no dependencies declared) so that an
        # import of a scoped module from core is an undeclared dependency; the implicit
        # `<root>` module cannot do this (root_module "ignore"/"allow" do not check core, and
        # "dependenciesonly" refuses modules that depend on <root>).
        tach = [
            'source_roots = ["python"]',
            "",
            "[[modules]]",
            f'path = "{PKG}"',
            "depends_on = []",
            "",
        ]
        for m in self.modules:
            il += [
                f"[importlinter:contract:{m}]",
                f"name = {m} is a scoped module",
                "type = protected",
                "protected_modules =",
                f"    {PKG}.contrib.{m}",
                "allowed_importers =",
                f"    {PKG}.contrib.{m}",
                "",
            ]
            tach += [
                "[[modules]]",
                f'path = "{PKG}.contrib.{m}"',
                f'depends_on = ["{PKG}"]',
                "visibility = []",
                "",
            ]
        self.files[".importlinter"] = "\n".join(il)
        self.files["tach.toml"] = "\n".join(tach)

    def render_other(self) -> None:
        rng = self.rng
        files = self.files
        files[".gitignore"] = (
            "build/\n.scoped_cache/\n.tach/\n.import_linter_cache/\n__pycache__/\n"
        )
        files["README.md"] = (
            f"# {PKG}\n\nA synthetic compiler project generated by "
            f"bench/gen.py (files={self.n}, seed={self.seed}).\n"
        )
        n_other = self.n - self.n_py - self.n_cpp - len(files)
        n_md = max(0, n_other * 2 // 3)
        n_json = max(0, n_other - n_md)
        areas = AREAS
        for i in range(n_md):
            a = areas[i % len(areas)]
            m = rng.choice(self.modules)
            files[f"docs/{a}/topic_{i:05d}.md"] = (
                f"# {a} topic {i}\n\nThis page describes part of `{PKG}.{a}`.\n\n"
                f"The {m} module is optional: build with `-DUSE_{m.upper()}=ON`.\n\n"
                "```python\nimport cobalt\n```\n\n" + "Lorem ipsum dolor sit amet.\n" * 20
            )
        for i in range(n_json):
            a = areas[i % len(areas)]
            files[f"configs/{a}/config_{i:05d}.json"] = (
                json.dumps(
                    {
                        "area": a,
                        "index": i,
                        "opt_level": i % 4,
                        "targets": ["llvm", "cuda"][: 1 + i % 2],
                    },
                    indent=2,
                )
                + "\n"
            )

    # ---------------------------------------------------------------- write
    def build(self) -> dict:
        self.plan()
        self._pub_paths = {f.path for f in self.pub_headers}
        self._mod_hdrs = {
            m: [f for f in self.cfiles if f.kind == "mod_hdr" and f.module == m]
            for m in self.modules
        }
        self.render_cmake()
        self.render_registry()
        self.render_peers()
        self.render_other()
        assert len(self.files) + self.n_py + self.n_cpp == self.n
        return self.manifest()

    def render_source(self, i: int) -> tuple[str, str]:
        """The i-th Python or C/C++ file (rendered on demand, in any order, by any process)."""
        if i < len(self.py):
            f = self.py[i]
            if f.dotted == f"{PKG}.support":
                return f.path, (
                    f'{LICENSE_PY}"""Build information."""\n\n\ndef libinfo():\n'
                    '    """Return the build flags of the native library."""\n'
                    '    return {"USE_CUDA": "OFF"}\n'
                )
            return f.path, self.render_py(f, i)
        c = self.cfiles[i - len(self.py)]
        return c.path, self.render_c(c, i - len(self.py))

    def manifest(self) -> dict:
        kinds: dict[str, int] = {}
        paths = list(self.files) + [f.path for f in self.py] + [f.path for f in self.cfiles]
        for p in paths:
            if p.endswith(".py"):
                k = "python"
            elif p.endswith((".h", ".cc")):
                k = "cpp"
            elif p.endswith((".cmake", "CMakeLists.txt")):
                k = "cmake"
            else:
                k = "other"
            kinds[k] = kinds.get(k, 0) + 1
        return {
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "files": self.n,
            "kinds": kinds,
            "modules": self.modules,
            "python_package": PKG,
            "expect": self.expect,
            "inbound": self.inbound,
        }


_GEN: Generator | None = None
GIT_DATE = "2024-06-01T00:00:00Z"
GIT_CONFIG = [
    "-c",
    "user.name=bench",
    "-c",
    "user.email=bench@example.invalid",
    "-c",
    "core.autocrlf=false",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "core.compression=1",
    "-c",
    "gc.auto=0",  # no background repack competing with the benchmark
    "-c",
    "maintenance.auto=false",
]


def _git_env() -> dict[str, str]:
    return dict(
        os.environ,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_DATE=GIT_DATE,
        GIT_COMMITTER_DATE=GIT_DATE,
    )


def git(out: Path, *args: str) -> None:
    subprocess.run(
        ["git", *GIT_CONFIG, *args], cwd=out, env=_git_env(), check=True, stdout=subprocess.DEVNULL
    )


def _render_chunk(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    gen = _GEN
    assert gen is not None
    return [(p, t.encode()) for p, t in map(gen.render_source, range(*bounds))]


def _sources(gen: Generator):
    """(path, bytes) of every Python and C/C++ file in order, rendered by a process pool."""
    global _GEN
    n = len(gen.py) + len(gen.cfiles)
    chunks = [(lo, min(n, lo + 400)) for lo in range(0, n, 400)]
    workers = max(1, min(os.cpu_count() or 1, 8))
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (gen.render_source(i) for i in range(n))
        return
    _GEN = gen  # inherited by the forked workers
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            pending: list = []
            for bounds in chunks:
                pending.append(pool.submit(_render_chunk, bounds))
                if len(pending) > 2 * workers:  # bounded memory: a few chunks in flight
                    yield from pending.pop(0).result()
            for fut in pending:
                yield from fut.result()
    finally:
        _GEN = None


def generate(out: Path, n_files: int, seed: int = 0) -> dict:
    """Create the repository at ``out`` (replacing it) and return its manifest.

    Files are written once to the work tree and streamed to one ``git fast-import`` running
    alongside (a single pack, as a clone has; ``git add -A`` would write 100k loose objects,
    which alone took ~25 s on the 2-core VM this was tuned on), then the index is built from
    the commit and refreshed against the work tree.
    """
    t0 = time.perf_counter()
    gen = Generator(n_files, seed)
    manifest = gen.build()
    t1 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    git(out, "init", "-q", "-b", "main")
    git(out, "config", "gc.auto", "0")  # also for later commands in the generated repository
    fi = subprocess.Popen(
        ["git", *GIT_CONFIG, "fast-import", "--quiet", "--done"],
        cwd=out,
        env=_git_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    assert fi.stdin is not None
    sink = fi.stdin
    message = f"Synthetic repository ({n_files} files, seed {seed})\n".encode()
    sink.write(
        b"commit refs/heads/main\ncommitter bench <bench@example.invalid> 1717200000 +0000\n"
        b"data %d\n%s\n" % (len(message), message)
    )
    made: set[str] = set()
    nbytes = 0
    misc = ((p, t.encode()) for p, t in gen.files.items())
    for rel, data in itertools.chain(misc, _sources(gen)):
        d = os.path.dirname(rel)
        if d and d not in made:
            os.makedirs(out / d, exist_ok=True)
            made.add(d)
        with open(out / rel, "wb") as fh:
            fh.write(data)
        sink.write(b"M 100644 inline %s\ndata %d\n%s\n" % (rel.encode(), len(data), data))
        nbytes += len(data)
    sink.write(b"\ndone\n")
    sink.close()
    if fi.wait() != 0:
        raise RuntimeError("git fast-import failed")
    t2 = time.perf_counter()
    git(out, "read-tree", "HEAD")
    git(out, "update-index", "-q", "--refresh")
    t3 = time.perf_counter()
    manifest["generation_seconds"] = {
        "plan": round(t1 - t0, 2),
        "render_write_import": round(t2 - t1, 2),
        "index": round(t3 - t2, 2),
        "total": round(t3 - t0, 2),
    }
    manifest["bytes"] = nbytes
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=3000, help="number of files (>= 300)")
    ap.add_argument("--out", type=Path, required=True, help="directory to create (replaced)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    manifest = generate(args.out, args.files, args.seed)
    mpath = args.out.with_name(args.out.name + ".manifest.json")
    mpath.write_text(json.dumps(manifest, indent=2) + "\n")
    print(
        json.dumps(
            {k: manifest[k] for k in ("files", "kinds", "expect", "generation_seconds")}, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
