"""acme: a tiny tensor library used to demonstrate scoped modules."""

from . import core
from .libinfo import libinfo

__all__ = ["core", "libinfo"]
