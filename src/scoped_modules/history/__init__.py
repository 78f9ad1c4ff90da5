"""What git history says about the modules (SPEC §8): pure functions over commit records."""
