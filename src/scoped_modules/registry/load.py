"""Finding, reading and validating the registry (SPEC §2). Every problem is collected and
reported at once as ``FILE:LINE:COL: message``; the caller exits 2."""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .locate import KeyPath, locate, nearest, scan
from .model import (
    DECISION_KINDS,
    MODULE_NAME,
    RESULTS,
    ROLES,
    STAGES,
    ActivitySettings,
    Decision,
    Dependent,
    Evidence,
    HistoryEntry,
    Module,
    Person,
    ProjectSettings,
    Registry,
    Role,
    Toggle,
    to_utc,
)
from .profiles import BUILTIN_PROFILES, MAJORITY_CHOICES, PARAMETER_TYPES, derive

TOP_KEYS = ("schema", "project", "activity", "people", "rules", "modules")
PROJECT_KEYS = (
    "name",
    "rules",
    "python_roots",
    "include_roots",
    "exclude",
    "cmake_option_commands",
    "config_templates",
    "mixed_change_exempt",
    "baseline",
    "ignore",
    "governance",
)
ACTIVITY_KEYS = ("window_days", "focus", "min_focused_commits", "bots")
PEOPLE_KEYS = ("file", "person")
PERSON_KEYS = ("handle", "name", "emails", "aliases", "roles", "bot")
ROLE_KEYS = ("role", "since", "until")
MODULE_KEYS = (
    "stage",
    "paths",
    "summary",
    "rfc",
    "toggles",
    "references",
    "owners",
    "champion",
    "dependents",
    "decisions",
    "history",
    "ignore",
)
TOGGLE_KEYS = ("cmake", "define", "env", "off", "maven_profile", "meson")
# boolean keys of a toggle; `inverted` only for build options whose truth switches the module off
TOGGLE_FLAG_KEYS = ("inverted",)
INVERTIBLE_KEYS = ("cmake", "meson")
TOGGLE_NAME_KEYS = ("cmake", "define", "env", "maven_profile", "meson")
DECISION_KEYS = ("id", "kind", "opened", "closes", "evidence", "result", "rules")
HISTORY_KEYS = ("date", "stage", "decision", "reason", "activity")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


BOM = "\ufeff"


def loads(text: str, where: str) -> dict[str, Any]:
    """``tomllib.loads`` of ``text`` (a leading UTF-8 BOM allowed); a syntax error, or nesting
    too deep for the parser, becomes ``WHERE:LINE:COL: message`` (ConfigError)."""
    body = text[1:] if text.startswith(BOM) else text
    try:
        return tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line, col = (m.group(1), m.group(2)) if m else ("1", "1")
        raise ConfigError(
            f"{where}:{line}:{col}: TOML syntax error: {_TOML_POS.sub('', msg).strip()}"
        ) from None
    except RecursionError:
        depth, line_no, column = scan(body).deepest
        raise ConfigError(
            f"{where}:{line_no}:{column}: arrays or inline tables nested too deeply "
            f"({depth} levels) for the TOML reader"
        ) from None


def parse_toml(path: Path, text: str | None = None) -> tuple[str, dict[str, Any]]:
    """Read a TOML file; a syntax error becomes ``FILE:LINE:COL: message``. The text is
    returned as read (a BOM included: edits compare and keep it)."""
    try:
        if text is None:
            text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}:1:1: not UTF-8 text ({exc.reason})")
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a TOML file")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}")
    return text, loads(text, str(path))


class _Checker:
    """Collects problems with positions while reading one TOML document."""

    def __init__(self, path: Path, text: str, prefix: KeyPath = ()) -> None:
        self.path = path
        self.display = str(path)
        self.locs = locate(text[1:] if text.startswith(BOM) else text)
        self.prefix = prefix
        self.problems: list[str] = []
        self.raw_decision_ids: dict[str, set[str]] = {}  # ids written, valid or not

    def pos(self, keys: KeyPath) -> tuple[str, int, int]:
        line, col = nearest(self.locs, self.prefix + tuple(keys))
        return (self.display, line, col)

    def err(self, keys: KeyPath, message: str) -> None:
        file, line, col = self.pos(keys)
        self.problems.append(f"{file}:{line}:{col}: {message}")

    def keys(self, table: dict, allowed: tuple[str, ...], keys: KeyPath, what: str) -> None:
        for k in table:
            if k not in allowed:
                hint = difflib.get_close_matches(k, allowed, n=1)
                more = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(allowed)})"
                self.err((*keys, k), f"unknown key '{k}' in {what}{more}")

    def typed(
        self, table: dict, key: str, types: tuple[type, ...], keys: KeyPath, what: str
    ) -> Any:
        if key not in table:
            return None
        value = table[key]
        if (bool in types or not isinstance(value, bool)) and isinstance(value, types):
            return value
        self.err(
            (*keys, key), f"{what}.{key} must be {_type_name(types)}, not {_value_name(value)}"
        )
        return None

    def str_list(self, table: dict, key: str, keys: KeyPath, what: str) -> list[str] | None:
        value = self.typed(table, key, (list,), keys, what)
        if value is None:
            return None
        if not all(isinstance(v, str) for v in value):
            self.err((*keys, key), f"{what}.{key} must be a list of strings")
            return None
        return list(value)

    def when(self, value: Any, keys: KeyPath, what: str) -> datetime | None:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.err(
                    keys,
                    f"{what} {value.isoformat()} has no UTC offset; write it with 'Z' or '+hh:mm'",
                )
                return None
            try:
                return to_utc(value)
            except ValueError as exc:
                self.err(keys, f"{what} {exc}")
                return None
        if isinstance(value, date):
            return to_utc(value)
        self.err(keys, f"{what} must be a date or a datetime with offset, not {_value_name(value)}")
        return None


def _type_name(types: tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(names.get(t, t.__name__) for t in types)


def _value_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def read_registry(path: Path, root: Path) -> Registry:
    text, data = parse_toml(path)
    prefix: KeyPath = ()
    if path.name == "pyproject.toml" and "scoped" in data.get("tool", {}):
        data = data["tool"]["scoped"]
        prefix = ("tool", "scoped")
    c = _Checker(path, text, prefix)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1:1: [tool.scoped] must be a table")
    c.keys(data, TOP_KEYS, (), "the registry")
    schema = data.get("schema")
    if schema is None:
        c.err((), "missing required key 'schema' (write `schema = 1` at the top)")
    elif schema != 1 or isinstance(schema, bool):
        c.err(("schema",), f"schema must be 1, not {schema!r}")

    project = _project(c, data.get("project", {}), root)
    activity = _activity(c, data.get("activity", {}))
    profiles = _profiles(c, data.get("rules", {}))
    if project.rules not in profiles:
        c.err(
            ("project", "rules"),
            f"unknown rule profile '{project.rules}' (known: {', '.join(sorted(profiles))})",
        )
        project.rules = "tvm-s0"

    people_table = data.get("people", {})
    people: list[Person] = []
    people_file = None
    if not isinstance(people_table, dict):
        c.err(("people",), "people must be a table")
    else:
        c.keys(people_table, PEOPLE_KEYS, ("people",), "[people]")
        people.extend(_people(c, people_table.get("person", []), ("people", "person")))
        pf = c.typed(people_table, "file", (str,), ("people",), "people")
        if pf is not None and _safe_rel(c, pf, ("people", "file"), root):
            people_file = pf
            fpath = root / pf
            if fpath.is_dir():
                c.err(
                    ("people", "file"),
                    f"people.file '{pf}' is a directory; name the TOML file of [[person]] tables",
                )
            elif not fpath.is_file():
                c.err(("people", "file"), f"people.file '{pf}' does not exist")
            else:
                try:
                    ptext, pdata = parse_toml(fpath)
                except ConfigError as exc:
                    c.problems.extend(exc.problems)
                else:
                    pc = _Checker(fpath, ptext)
                    pc.keys(pdata, ("person",), (), str(pf))
                    people.extend(_people(pc, pdata.get("person", []), ("person",)))
                    c.problems.extend(pc.problems)
    _check_roster(c, people)

    modules: dict[str, Module] = {}
    mods = data.get("modules", {})
    if not isinstance(mods, dict):
        c.err(("modules",), "modules must be a table of [modules.NAME] tables")
        mods = {}
    for name, table in mods.items():
        m = _module(c, name, table, root, profiles)
        if m is not None:
            modules[name] = m
    _check_decision_ids(c, modules)

    if c.problems:
        raise ConfigError(sorted_problems(c.problems))
    return Registry(
        path=path,
        root=root,
        text=text,
        table_prefix=tuple(str(p) for p in prefix),
        project=project,
        activity=activity,
        people=people,
        profiles=profiles,
        modules=modules,
        people_file=people_file,
    )


def load_roster_file(path: Path) -> list[Person]:
    """A TOML file of ``[[person]]`` tables (``vote tally --roster``)."""
    text, data = parse_toml(path)
    c = _Checker(path, text)
    c.keys(data, ("person",), (), "a roster file")
    people = _people(c, data.get("person", []), ("person",))
    _check_roster(c, people)
    if c.problems:
        raise ConfigError(c.problems)
    return people


def _safe_rel(c: _Checker, value: str, keys: KeyPath, root: Path) -> bool:
    """Refuse absolute paths, ``..`` and paths leaving the root through symlinks."""
    if value.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", value) or value.startswith("\\"):
        c.err(keys, f"path '{value}' is absolute; paths are relative to the repository root")
        return False
    if ".." in value.replace("\\", "/").split("/"):
        c.err(keys, f"path '{value}' contains '..'; paths must stay inside the repository")
        return False
    plain = value.rstrip("/")
    if plain and not any(ch in plain for ch in "*?[") and _through_symlink(root, plain):
        full = root / plain
        try:
            resolved = full.resolve()
        except OSError:
            return True
        if not resolved.is_relative_to(root.resolve()):
            c.err(keys, f"path '{value}' resolves outside the repository through a symlink")
            return False
    return True


_LINK_CACHE: dict[str, bool] = {}


def _through_symlink(root: Path, rel: str) -> bool:
    """True when some component of ``rel`` below ``root`` is a symlink (cached per prefix)."""
    parts = rel.split("/")
    for i in range(1, len(parts) + 1):
        prefix = os.path.join(root, *parts[:i])
        hit = _LINK_CACHE.get(prefix)
        if hit is None:
            hit = _LINK_CACHE[prefix] = os.path.islink(prefix)
        if hit:
            return True
    return False


def _project(c: _Checker, t: Any, root: Path) -> ProjectSettings:
    s = ProjectSettings(name=root.name)
    if not isinstance(t, dict):
        c.err(("project",), "project must be a table")
        return s
    c.keys(t, PROJECT_KEYS, ("project",), "[project]")
    k = ("project",)
    s.name = c.typed(t, "name", (str,), k, "project") or s.name
    s.rules = c.typed(t, "rules", (str,), k, "project") or s.rules
    for key in ("python_roots", "include_roots", "config_templates"):
        v = c.str_list(t, key, k, "project")
        if v is None:
            continue
        kept = []
        for i, p in enumerate(v):
            if not _safe_rel(c, p, (*k, key, i), root):
                continue
            if key != "config_templates":
                _existing_dir(c, p, (*k, key, i), root, f"project.{key}")
            kept.append(p.rstrip("/"))
        setattr(s, key, kept)
    if "include_roots" not in t:
        s.include_roots = ["include"] if (root / "include").is_dir() else []
    for key in ("exclude", "cmake_option_commands", "mixed_change_exempt"):
        v = c.str_list(t, key, k, "project")
        if v is not None:
            if key != "cmake_option_commands":
                for i, pattern in enumerate(v):
                    _check_pattern(c, pattern, (*k, key, i), f"project.{key}", anchored=False)
            setattr(s, key, v)
    if "mixed_change_exempt" not in t:  # SPEC §2: the registry file and Markdown
        s.mixed_change_exempt = ["/" + c.path.name, "*.md"]
    baseline = c.typed(t, "baseline", (str,), k, "project")
    if baseline is not None and _safe_rel(c, baseline, (*k, "baseline"), root):
        s.baseline = baseline
    s.ignore = _rule_ids(c, t, k, "project")
    governance = c.typed(t, "governance", (bool,), k, "project")
    s.governance = True if governance is None else governance
    return s


def _existing_dir(c: _Checker, rel: str, keys: KeyPath, root: Path, what: str) -> None:
    """A root entry must name a directory of the repository (issue: roots that name nothing)."""
    full = root / rel
    if full.is_dir():
        return
    if full.exists():
        c.err(keys, f"{what}: '{rel}' is not a directory")
    else:
        c.err(keys, f"{what}: '{rel}' does not exist")


def _check_pattern(c: _Checker, pattern: str, keys: KeyPath, what: str, anchored: bool) -> bool:
    """A gitwildmatch pattern must compile (``[z-a]`` is a bad range; ``a\\`` a dangling escape)."""
    import pathspec

    line = "/" + pattern.lstrip("/") if anchored else pattern
    try:
        with warnings.catch_warnings():  # re's FutureWarning on "[[": not the user's concern
            warnings.simplefilter("ignore", FutureWarning)
            pathspec.GitIgnoreSpec.from_lines([line])
    except (ValueError, re.error) as exc:
        detail = str(exc).split(" at position")[0]
        c.err(keys, f"{what}: invalid pattern {pattern!r} ({detail})")
        return False
    return True


_RULE_ID = re.compile(r"SM\d{3}\Z")


def _rule_ids(c: _Checker, t: dict, k: KeyPath, what: str) -> list[str]:
    """An ``ignore`` list: rule ids such as SM004."""
    v = c.str_list(t, "ignore", k, what) or []
    bad = [r for r in v if not _RULE_ID.match(r)]
    if bad:
        c.err(
            (*k, "ignore"),
            f"{what}.ignore: {', '.join(map(repr, bad))} is not a rule id like 'SM004'",
        )
    return [r for r in v if _RULE_ID.match(r)]


def _activity(c: _Checker, t: Any) -> ActivitySettings:
    s = ActivitySettings()
    if not isinstance(t, dict):
        c.err(("activity",), "activity must be a table")
        return s
    k = ("activity",)
    c.keys(t, ACTIVITY_KEYS, k, "[activity]")
    wd = c.typed(t, "window_days", (int,), k, "activity")
    if wd is not None:
        if wd <= 0:
            c.err((*k, "window_days"), "activity.window_days must be greater than 0")
        else:
            s.window_days = wd
    focus = c.typed(t, "focus", (int, float), k, "activity")
    if focus is not None:
        if not 0 < focus <= 1:
            c.err((*k, "focus"), "activity.focus must be in (0, 1]")
        else:
            s.focus = float(focus)
    mfc = c.typed(t, "min_focused_commits", (int,), k, "activity")
    if mfc is not None:
        if mfc < 1:
            c.err((*k, "min_focused_commits"), "activity.min_focused_commits must be at least 1")
        else:
            s.min_focused_commits = mfc
    bots = c.str_list(t, "bots", k, "activity")
    if bots is not None:
        s.bots = bots
    return s


def _profiles(c: _Checker, t: Any) -> dict:
    profiles = dict(BUILTIN_PROFILES)
    if not isinstance(t, dict):
        c.err(("rules",), "rules must be a table of [rules.NAME] profiles")
        return profiles
    allowed = ("extends", *PARAMETER_TYPES)
    for name, table in t.items():
        k = ("rules", name)
        if name in BUILTIN_PROFILES:
            c.err(k, f"profile '{name}' is built in and cannot be redefined; pick another name")
            continue
        if not isinstance(table, dict):
            c.err(k, f"rules.{name} must be a table")
            continue
        c.keys(table, allowed, k, f"[rules.{name}]")
        base_name = c.typed(table, "extends", (str,), k, f"rules.{name}") or "tvm-s0"
        if base_name not in BUILTIN_PROFILES:
            c.err(
                (*k, "extends"),
                f"rules.{name}.extends must name a built-in profile ({', '.join(BUILTIN_PROFILES)})",
            )
            base_name = "tvm-s0"
        overrides: dict[str, Any] = {}
        for param, types in PARAMETER_TYPES.items():
            v = c.typed(table, param, types, k, f"rules.{name}")
            if v is None:
                continue
            if param == "majority_of" and v not in MAJORITY_CHOICES:
                c.err(
                    (*k, param),
                    f"rules.{name}.majority_of must be one of {', '.join(MAJORITY_CHOICES)}",
                )
                continue
            if isinstance(v, float) and not math.isfinite(v):
                c.err((*k, param), f"rules.{name}.{param} must be a finite number, not {v}")
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0:
                c.err((*k, param), f"rules.{name}.{param} must not be negative")
                continue
            overrides[param] = v
        profiles[name] = derive(name, BUILTIN_PROFILES[base_name], overrides)
    return profiles


def _people(c: _Checker, rows: Any, k: KeyPath) -> list[Person]:
    out: list[Person] = []
    if not isinstance(rows, list):
        c.err(k, "person entries must be [[person]] tables")
        return out
    for i, row in enumerate(rows):
        kk = (*k, i)
        if not isinstance(row, dict):
            c.err(kk, "a person must be a table")
            continue
        c.keys(row, PERSON_KEYS, kk, "a person")
        handle = c.typed(row, "handle", (str,), kk, "person")
        if not handle:
            c.err(kk, "a person needs a 'handle'")
            continue
        p = Person(handle=handle, loc=c.pos(kk))
        p.name = c.typed(row, "name", (str,), kk, "person")
        p.emails = c.str_list(row, "emails", kk, "person") or []
        p.aliases = c.str_list(row, "aliases", kk, "person") or []
        p.bot = bool(c.typed(row, "bot", (bool,), kk, "person"))
        roles = c.typed(row, "roles", (list,), kk, "person") or []
        for j, r in enumerate(roles):
            rk = (*kk, "roles")
            if not isinstance(r, dict):
                c.err(rk, f"roles[{j}] of '{handle}' must be a table {{ role = ..., since = ... }}")
                continue
            c.keys(r, ROLE_KEYS, rk, f"a role of '{handle}'")
            role = r.get("role")
            if role not in ROLES:
                c.err(rk, f"role of '{handle}' must be one of {', '.join(ROLES)}, not {role!r}")
                continue
            if "since" not in r:
                c.err(rk, f"role '{role}' of '{handle}' needs 'since'")
                continue
            since = c.when(r["since"], rk, f"'since' of {handle}'s {role} role")
            until = (
                c.when(r["until"], rk, f"'until' of {handle}'s {role} role")
                if "until" in r
                else None
            )
            if since is None:
                continue
            if until is not None and until <= since:
                c.err(rk, f"role '{role}' of '{handle}' ends before it starts")
                continue
            p.roles.append(Role(role, since, until))
        out.append(p)
    return out


def _check_roster(c: _Checker, people: list[Person]) -> None:
    handles: dict[str, Person] = {}
    emails: dict[str, Person] = {}
    for p in people:
        low = p.handle.lower()
        if low in handles:
            first = handles[low]
            c.problems.append(
                f"{p.loc[0]}:{p.loc[1]}:{p.loc[2]}: duplicate handle '{p.handle}' "
                f"(first at {first.loc[0]}:{first.loc[1]})"
            )
        handles.setdefault(low, p)
        for e in p.emails:
            el = e.lower()
            if el in emails and emails[el] is not p:
                c.problems.append(
                    f"{p.loc[0]}:{p.loc[1]}:{p.loc[2]}: email '{e}' is listed for both "
                    f"'{emails[el].handle}' and '{p.handle}'"
                )
            emails.setdefault(el, p)


def _module(c: _Checker, name: str, t: Any, root: Path, profiles: dict) -> Module | None:
    k: KeyPath = ("modules", name)
    if not MODULE_NAME.match(name):
        c.err(k, f"module name '{name}' must match [a-z][a-z0-9_-]*")
        return None
    if not isinstance(t, dict):
        c.err(k, f"modules.{name} must be a table")
        return None
    c.keys(t, MODULE_KEYS, k, f"[modules.{name}]")
    what = f"modules.{name}"
    stage = c.typed(t, "stage", (str,), k, what)
    if stage is None and "stage" not in t:
        c.err(k, f"module '{name}' needs a 'stage' ({', '.join(STAGES)})")
    elif stage is not None and stage not in STAGES:
        c.err((*k, "stage"), f"{what}.stage must be one of {', '.join(STAGES)}, not {stage!r}")
        stage = None
    paths = c.str_list(t, "paths", k, what)
    if paths is None and "paths" not in t:
        c.err(k, f"module '{name}' needs 'paths' (a non-empty list)")
    elif paths is not None and not paths:
        c.err((*k, "paths"), f"{what}.paths must not be empty")
    paths = [
        p
        for i, p in enumerate(paths or [])
        if _safe_rel(c, p, (*k, "paths", i), root)
        and (
            not any(ch in p for ch in "*?[")
            or _check_pattern(c, p, (*k, "paths", i), f"{what}.paths", anchored=True)
        )
    ]
    m = Module(name=name, stage=stage or "proposed", paths=paths)
    m.summary = c.typed(t, "summary", (str,), k, what)
    m.rfc = c.typed(t, "rfc", (str,), k, what)
    m.champion = c.typed(t, "champion", (str,), k, what)
    m.owners = c.str_list(t, "owners", k, what) or []
    m.ignore = _rule_ids(c, t, k, what)
    refs = c.str_list(t, "references", k, what) or []
    for r in refs:
        try:
            re.compile(r)
        except re.error as exc:
            c.err((*k, "references"), f"{what}.references: invalid regular expression {r!r}: {exc}")
    m.references = refs
    for j, tg in enumerate(c.typed(t, "toggles", (list,), k, what) or []):
        if not isinstance(tg, dict):
            c.err(
                (*k, "toggles"), f'{what}.toggles[{j}] must be a table like {{ cmake = "USE_X" }}'
            )
            continue
        c.keys(tg, (*TOGGLE_KEYS, *TOGGLE_FLAG_KEYS), (*k, "toggles"), f"a toggle of '{name}'")
        inverted = tg.get("inverted", False)
        if not isinstance(inverted, bool):
            c.err((*k, "toggles"), f"toggle key 'inverted' of '{name}' must be true or false")
            inverted = False
        if inverted and any(tg.get(n) for n in TOGGLE_NAME_KEYS if n not in INVERTIBLE_KEYS):
            c.err(
                (*k, "toggles"),
                f"{what}.toggles[{j}]: 'inverted' applies to {' and '.join(INVERTIBLE_KEYS)} "
                "options only; declare the define, env or profile in a toggle of its own",
            )
            inverted = False
        vals = {}
        for key in TOGGLE_KEYS:
            v = tg.get(key)
            if v is not None and not isinstance(v, str):
                c.err((*k, "toggles"), f"toggle key '{key}' of '{name}' must be a string")
                v = None
            vals[key] = v
        if not any(vals[n] for n in TOGGLE_NAME_KEYS):
            c.err(
                (*k, "toggles"),
                f"{what}.toggles[{j}] needs at least one of {', '.join(TOGGLE_NAME_KEYS)}",
            )
            continue
        m.toggles.append(
            Toggle(
                vals["cmake"],
                vals["define"],
                vals["env"],
                vals["off"] or "0",
                vals["maven_profile"],
                vals["meson"],
                inverted,
            )
        )
    for j, d in enumerate(c.typed(t, "dependents", (list,), k, what) or []):
        if (
            not isinstance(d, dict)
            or not isinstance(d.get("path"), str)
            or not isinstance(d.get("rfc"), str)
        ):
            c.err(
                (*k, "dependents"),
                f'{what}.dependents[{j}] must be {{ path = "...", rfc = "..." }}',
            )
            continue
        c.keys(d, ("path", "rfc"), (*k, "dependents"), f"a dependent of '{name}'")
        if _safe_rel(c, d["path"], (*k, "dependents"), root):
            m.dependents.append(Dependent(d["path"], d["rfc"]))
    for j, d in enumerate(c.typed(t, "decisions", (list,), k, what) or []):
        if isinstance(d, dict) and isinstance(d.get("id"), str):
            c.raw_decision_ids.setdefault(name, set()).add(d["id"])
        dec = _decision(c, name, j, d, profiles, root)
        if dec is not None:
            m.decisions.append(dec)
    for j, h in enumerate(c.typed(t, "history", (list,), k, what) or []):
        entry = _history(c, name, j, h)
        if entry is not None:
            m.history.append(entry)
    m.locs = {key: c.pos((*k, key)) for key in MODULE_KEYS if key in t}
    m.locs[""] = c.pos(k)
    return m


def _decision(
    c: _Checker, module: str, j: int, d: Any, profiles: dict, root: Path
) -> Decision | None:
    k: KeyPath = ("modules", module, "decisions", j)
    what = f"decision {j + 1} of '{module}'"
    if not isinstance(d, dict):
        c.err(k, f"{what} must be a table")
        return None
    c.keys(d, DECISION_KEYS, k, what)
    ok = True
    for key in ("id", "kind", "opened", "closes", "evidence", "result"):
        if key not in d:
            c.err(k, f"{what} needs '{key}'")
            ok = False
    did = c.typed(d, "id", (str,), k, what)
    kind = c.typed(d, "kind", (str,), k, what)
    if kind is not None and kind not in DECISION_KINDS:
        c.err(
            (*k, "kind"), f"{what}: kind must be one of {', '.join(DECISION_KINDS)}, not {kind!r}"
        )
        ok = False
    result = c.typed(d, "result", (str,), k, what)
    if result is not None and result not in RESULTS:
        c.err((*k, "result"), f"{what}: result must be one of {', '.join(RESULTS)}, not {result!r}")
        ok = False
    rules = c.typed(d, "rules", (str,), k, what)
    if rules is not None and rules not in profiles:
        c.err((*k, "rules"), f"{what}: unknown rule profile '{rules}'")
        ok = False
    opened = c.when(d["opened"], (*k, "opened"), f"{what}: opened") if "opened" in d else None
    closes = c.when(d["closes"], (*k, "closes"), f"{what}: closes") if "closes" in d else None
    if opened and closes and closes <= opened:
        c.err((*k, "closes"), f"{what}: closes must be later than opened")
        ok = False
    evidence: list[Evidence] = []
    for e in c.typed(d, "evidence", (list,), k, what) or []:
        if isinstance(e, str):
            ev = Evidence(e)
        elif isinstance(e, dict) and isinstance(e.get("path"), str):
            c.keys(e, ("path", "sha256"), (*k, "evidence"), f"evidence of {what}")
            sha = e.get("sha256")
            if sha is not None and not (
                isinstance(sha, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha)
            ):
                c.err((*k, "evidence"), f"{what}: sha256 of '{e['path']}' must be 64 hex digits")
                ok = False
                continue
            ev = Evidence(e["path"], sha.lower() if sha else None)
        else:
            c.err(
                (*k, "evidence"), f"{what}: evidence entries are paths or {{ path, sha256 }} tables"
            )
            ok = False
            continue
        if _safe_rel(c, ev.path, (*k, "evidence"), root):
            evidence.append(ev)
    if not (ok and did and kind and opened and closes and result):
        return None
    return Decision(did, kind, opened, closes, evidence, result, module, rules, c.pos(k))


def _history(c: _Checker, module: str, j: int, h: Any) -> HistoryEntry | None:
    k: KeyPath = ("modules", module, "history", j)
    what = f"history entry {j + 1} of '{module}'"
    if not isinstance(h, dict):
        c.err(k, f"{what} must be a table")
        return None
    c.keys(h, HISTORY_KEYS, k, what)
    when = h.get("date")
    if when is None:
        c.err(k, f"{what} needs 'date'")
        return None
    if isinstance(when, datetime) or not isinstance(when, date):
        c.err((*k, "date"), f"{what}: date must be a date like 2022-06-08")
        return None
    stage = h.get("stage")
    if stage not in STAGES:
        c.err(
            (*k, "stage") if "stage" in h else k,
            f"{what}: stage must be one of {', '.join(STAGES)}",
        )
        return None
    dec, reason = h.get("decision"), h.get("reason")
    if (dec is None) == (reason is None):
        c.err(k, f"{what} needs exactly one of 'decision' and 'reason'")
        return None
    activity = h.get("activity")
    if activity is not None and not isinstance(activity, dict):
        c.err((*k, "activity"), f"{what}: activity must be a table")
        activity = None
    return HistoryEntry(when, stage, dec, reason, activity, c.pos(k))


def _check_decision_ids(c: _Checker, modules: dict[str, Module]) -> None:
    seen: dict[str, str] = {}
    for m in modules.values():
        for d in m.decisions:
            if d.id in seen:
                c.problems.append(
                    f"{d.loc[0]}:{d.loc[1]}:{d.loc[2]}: duplicate decision id '{d.id}' (also in module '{seen[d.id]}')"
                )
            seen.setdefault(d.id, m.name)
        own = c.raw_decision_ids.get(m.name, set())
        for h in m.history:
            if h.decision is not None and h.decision not in own:
                c.problems.append(
                    f"{h.loc[0]}:{h.loc[1]}:{h.loc[2]}: history of '{m.name}' cites unknown decision "
                    f"'{h.decision}' (known: {', '.join(sorted(own)) or 'none'})"
                )


def sorted_problems(problems: list[str]) -> list[str]:
    """Problems in file order (by file, then line and column)."""

    def key(p: str) -> tuple:
        m = re.match(r"^(.*?):(\d+):(\d+): ", p)
        return (m.group(1), int(m.group(2)), int(m.group(3))) if m else (p, 0, 0)

    return sorted(problems, key=key)
