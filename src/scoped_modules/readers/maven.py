"""Maven reader: what a ``pom.xml`` says about the build units and how they depend on each other.

Parsed with the standard library's expat (line numbers; no DTD or external entity is loaded).
Only the project's own elements count: ``<dependencyManagement>`` (versions, not
dependencies) and plugin dependencies are skipped.

References:
- ``build-module``: ``<modules><module>x</module>`` (spec ``x``: a directory holding a
  ``pom.xml``, or a POM file), ``F_BUILDS``; inside ``<profiles><profile>`` the guard is
  ``("v", (profile id,))``.
- ``build-dependency``: ``<dependency>`` (spec ``dep:GROUP:ARTIFACT`` as written, properties
  not substituted; the line of its ``<artifactId>``), with the profile's guard inside a
  profile; ``<parent>`` (spec ``parent:GROUP:ARTIFACT:RELATIVE_PATH``).

``extra``: ``"coords"`` (groupId or None, artifactId or None, packaging), ``"parent"``
(groupId, artifactId, relativePath or None) or None, ``"properties"``, ``"profiles"``
(``[(id, line)]``), ``"source_dirs"`` (``<sourceDirectory>``, ``<testSourceDirectory>`` and
the ``<source>`` entries of plugin configurations, such as build-helper's ``add-source``;
as written).
"""

from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

from .facts import (
    F_BUILDS,
    K_BUILD_DEPENDENCY,
    K_BUILD_MODULE,
    FileFacts,
    RawRef,
    evidence_text,
)

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NOT_NL = re.compile(r"[^\n]")


class _Pom:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.stack: list[str] = []
        self.text: list[str] = []
        self.starts: list[int] = []
        self.refs: list[RawRef] = []
        self.props: dict[str, str] = {}
        self.coords: dict[str, str] = {}
        self.parent: dict[str, str] = {}
        self.profiles: list[tuple[str, int]] = []
        self.source_dirs: list[str] = []
        self.dep: dict[str, Any] = {}
        self.profile_refs: list[tuple[str, str, int, int]] = []  # refs waiting for the id
        self.profile_id: str | None = None

    def ev(self, line: int) -> str:
        return evidence_text(self.lines[line - 1]) if 0 < line <= len(self.lines) else ""

    def start(self, name: str, _attrs: dict[str, str], line: int) -> None:
        self.stack.append(name)
        self.text.append("")
        self.starts.append(line)
        where = self.stack
        if name == "dependency" and where[:-1] in (
            ["project", "dependencies"],
            ["project", "profiles", "profile", "dependencies"],
        ):
            self.dep = {"line": line}
        elif name == "profile" and where[:-1] == ["project", "profiles"]:
            self.profile_id = None
            self.profile_refs = []

    def end(self, name: str) -> None:
        text = self.text.pop().strip()
        line = self.starts.pop()
        path = self.stack
        depth = len(path)
        if depth == 2 and name in ("groupId", "artifactId", "packaging", "version"):
            self.coords[name] = text
        elif depth == 3 and path[1] == "parent":
            self.parent[name] = text
        elif depth == 3 and path[1] == "properties":
            self.props.setdefault(name, text)
        elif path[1:] == ["modules", "module"] and text:
            self.refs.append((K_BUILD_MODULE, text, line, self.ev(line), None, F_BUILDS))
        elif path[1:] == ["profiles", "profile", "id"]:
            self.profile_id = text
            self.profiles.append((text, line))
        elif path[1:] == ["profiles", "profile", "modules", "module"] and text:
            self.profile_refs.append((K_BUILD_MODULE, text, line, F_BUILDS))
        elif path[1:] == ["profiles", "profile"]:
            guard = ("v", (self.profile_id,)) if self.profile_id else ("u",)
            for kind, spec, ln, flags in self.profile_refs:
                self.refs.append((kind, spec, ln, self.ev(ln), guard, flags))
            self.profile_refs = []
        elif self.dep and path[-2:-1] == ["dependency"] and depth in (4, 6):
            self.dep[name] = text
            if name == "artifactId":
                self.dep["line"] = line
        elif self.dep and name == "dependency":
            spec = f"dep:{self.dep.get('groupId', '')}:{self.dep.get('artifactId', '')}"
            ln = self.dep["line"]
            if path[1] == "profiles":
                self.profile_refs.append((K_BUILD_DEPENDENCY, spec, ln, 0))
            else:
                self.refs.append((K_BUILD_DEPENDENCY, spec, ln, self.ev(ln), None, 0))
            self.dep = {}
        elif (
            path[:2] == ["project", "build"]
            and text
            and (
                (depth == 3 and name in ("sourceDirectory", "testSourceDirectory"))
                or (name == "source" and path[-2:-1] == ["sources"] and "plugin" in path)
            )
        ):
            self.source_dirs.append(text)
        self.stack.pop()

    def chars(self, data: str) -> None:
        if self.text:
            self.text[-1] += data


def read_maven(text: str) -> FileFacts:
    pom = _Pom(text)
    notes: list[tuple[int, str]] = []
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = lambda n, a: pom.start(n, a, parser.CurrentLineNumber)
    parser.EndElementHandler = pom.end
    parser.CharacterDataHandler = pom.chars
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        notes.append(
            (
                exc.lineno,
                f"pom.xml not well-formed ({expat.errors.messages[exc.code]}); read up to here",
            )
        )
    if pom.parent:
        parent_spec = (
            f"parent:{pom.parent.get('groupId', '')}:{pom.parent.get('artifactId', '')}:"
            f"{pom.parent.get('relativePath', '../pom.xml')}"
        )
        line = next((i + 1 for i, ln in enumerate(pom.lines) if "<parent>" in ln), 1)
        pom.refs.append((K_BUILD_DEPENDENCY, parent_spec, line, pom.ev(line), None, 0))
    extra: dict[str, Any] = {
        "coords": (
            pom.coords.get("groupId"),
            pom.coords.get("artifactId"),
            pom.coords.get("packaging", "jar"),
        ),
        "parent": (
            (
                pom.parent.get("groupId"),
                pom.parent.get("artifactId"),
                pom.parent.get("relativePath"),
            )
            if pom.parent
            else None
        ),
        "properties": pom.props,
        "profiles": pom.profiles,
        "source_dirs": pom.source_dirs,
    }
    return ("maven", pom.refs, notes, extra)


def blank_comments_maven(text: str) -> str:
    """The text with XML comments blanked (for the modules' ``references`` patterns)."""
    return _COMMENT.sub(lambda m: _NOT_NL.sub(" ", m.group(0)), text)
