#pragma once
#include "acme/tensor.h"
namespace acme { namespace fastmath { float Dot(const Tensor& a, const Tensor& b); } }
