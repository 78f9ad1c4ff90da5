"""scoped-modules: boundaries, toggles, owners and votes for scoped modules."""

__version__ = "0.1.0"
