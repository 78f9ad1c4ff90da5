#include "simd.h"
namespace acme { namespace fastmath {
float Dot(const Tensor& a, const Tensor& b) {
  float s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a.data[i] * b.data[i];
  return s;
}
} }
