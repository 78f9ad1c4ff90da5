"""``scoped toggles prove``: what the real build compiles, or the real interpreter loads, of a
module with its toggle off, beside the static prediction."""

from __future__ import annotations

import shlex

# Where the static model and the real configure can disagree (printed with every comparison).
DISAGREE = (
    "The static model reads the CMake files, not CMake: it cannot see sources listed through "
    "variables filled in other files or from the cache, generator expressions, "
    "configure_file() output, or option values other than the defaults, and it lists a source "
    "built by an unguarded command even when that command's target is never built; CMake lists "
    "only what this configuration (these -D values, this platform) compiles."
)


def render_cmake_proof(proof) -> str:  # proof: app.toggles.CMakeProof
    out = [
        f"module '{proof.module}': configure with its toggle off",
        f"  $ {shlex.join(proof.command)}",
    ]
    if proof.problem:
        return "\n".join([*out, f"no verdict: {proof.problem}"]) + "\n"
    compiled, predicted = set(proof.compiled), set(proof.predicted)
    out.append("")
    out.append(f"compiled by the real build ({len(compiled)}):")
    out += [
        f"  {f}"
        + ("  (whole body under the toggle: compiles to nothing)" if f in proof.empty else "")
        for f in proof.compiled
    ] or ["  none"]
    out.append(f"predicted by the static model (SM007) ({len(predicted)}):")
    out += [f"  {f}" for f in proof.predicted] or ["  none"]
    only_real = sorted(compiled - predicted - set(proof.empty))
    only_model = sorted(predicted - compiled)
    out.append("")
    if not only_real and not only_model:
        out.append("the real build and the static model agree")
    else:
        out.append("the real build and the static model disagree:")
        out += [f"  only in the real build: {f}" for f in only_real]
        out += [f"  only in the static model: {f}" for f in only_model]
        out.append(f"  note: {DISAGREE}")
    real = [f for f in proof.compiled if f not in proof.empty]
    out.append(
        f"verdict: {len(real)} source(s) of module '{proof.module}' still compiled with the toggle off"
        if real
        else f"verdict: no source of module '{proof.module}' is compiled with the toggle off"
    )
    return "\n".join(out) + "\n"


def render_python_proof(proof) -> str:  # proof: app.toggles.PythonProof
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in proof.environment.items())
    out = [f"module '{proof.module}': run with {env}", f"  >>> {proof.statement}"]
    if proof.problem:
        return "\n".join([*out, f"no verdict: {proof.problem}"]) + "\n"
    out.append("")
    if proof.loaded:
        out.append(f"still loaded ({len(proof.loaded)}):")
        out += [f"  {name} ({path})" for name, path in proof.loaded]
        out.append(f"verdict: module '{proof.module}' is loaded with its toggle off")
    else:
        out.append(f"verdict: no package of module '{proof.module}' is loaded with its toggle off")
    return "\n".join(out) + "\n"
