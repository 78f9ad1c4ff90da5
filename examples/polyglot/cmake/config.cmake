# Copy to build/config.cmake and edit.
set(USE_FASTMATH OFF)
set(USE_ACCEL OFF)
set(USE_LEGACY_IO ON)
