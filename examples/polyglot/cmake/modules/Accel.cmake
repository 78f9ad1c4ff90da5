set(ACCEL_DIR src/contrib/accel)
target_sources(acme PRIVATE ${ACCEL_DIR}/device.cc ${ACCEL_DIR}/kernels.cc)
target_compile_definitions(acme PRIVATE ACME_USE_ACCEL)
