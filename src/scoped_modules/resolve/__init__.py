"""Resolution: Python dotted names, ``#include`` targets, and the CMake build model. Turns the
readers' references as written into files of the repository."""
