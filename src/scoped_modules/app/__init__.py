"""Use cases: ``check``, ``deps``, ``status``, ``init``. They call the adapters (git, file system,
caches) and hand plain data to the core (readers, resolution, index, rules)."""
