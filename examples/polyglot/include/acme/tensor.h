#ifndef ACME_TENSOR_H_
#define ACME_TENSOR_H_
#include <cstddef>
#include <vector>

namespace acme {
struct Tensor {
  std::vector<float> data;
  std::size_t size() const { return data.size(); }
};
}  // namespace acme
#endif  // ACME_TENSOR_H_
