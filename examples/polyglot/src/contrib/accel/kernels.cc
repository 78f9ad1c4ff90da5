#include "device.h"
#include "acme/tensor.h"
namespace accel { float Kernel(const acme::Tensor& t) { return t.size(); } }
