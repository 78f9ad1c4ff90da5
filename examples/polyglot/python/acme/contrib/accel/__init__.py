"""accel: an accelerator backend (S0 module), wired in by CMake and the preprocessor only."""
