file(GLOB FASTMATH_SRCS ${CMAKE_CURRENT_LIST_DIR}/../../src/contrib/fastmath/*.cc)
target_sources(acme PRIVATE ${FASTMATH_SRCS})
target_compile_definitions(acme PRIVATE ACME_USE_FASTMATH)
