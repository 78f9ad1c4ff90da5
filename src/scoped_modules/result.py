"""The one result object of ``scoped check`` that every renderer reads (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import __version__
from .finding import Finding


@dataclass
class ModuleRow:
    name: str
    stage: str
    files: int
    inbound: int  # references SM003 judges (not wiring, not cmake-path)
    wiring: int  # guarded references (wiring)
    status: str  # ok | warning | error

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "stage": self.stage,
            "files": self.files,
            "inbound": self.inbound,
            "wiring": self.wiring,
            "status": self.status,
        }


@dataclass
class Note:
    path: str | None
    line: int | None
    message: str

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass
class CheckResult:
    root: str  # absolute path of the repository root
    registry_path: str  # root-relative path of the registry file
    files: int
    modules: list[ModuleRow]
    findings: list[Finding]
    notes: list[Note] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    def as_json(self) -> dict:
        return {
            "schema": 1,
            "tool": {"name": "scoped", "version": __version__},
            "root": self.root,
            "summary": {
                "files": self.files,
                "modules": len(self.modules),
                "errors": self.errors,
                "warnings": self.warnings,
                "notes": len(self.notes) + self.count("note"),
                "seconds": round(self.seconds, 3),
            },
            "modules": [m.as_json() for m in self.modules],
            "findings": [f.as_json() for f in self.findings],
            "notes": [n.as_json() for n in self.notes],
        }
