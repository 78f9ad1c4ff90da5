"""The outside world: git, the file system, and the caches (kept where a checked tree cannot
plant them)."""
