"""legacy_io: old file readers, proposed as a scoped module."""
