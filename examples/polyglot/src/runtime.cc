#include "acme/tensor.h"
// #include "../src/contrib/fastmath/simd.h"  -- commented out: not a reference
#if 0
#include "contrib/fastmath/simd.h"
#endif
#ifdef ACME_USE_ACCEL
#include "contrib/accel/device.h"
#endif
#include "contrib/legacy_io/reader.h"

namespace acme {
float Sum(const Tensor& t) {
  float s = 0;
  for (float v : t.data) s += v;
#ifdef ACME_USE_ACCEL
  accel::Warmup();
#endif
  legacy_io::Touch();
  return s;
}
}  // namespace acme
