#include "device.h"
namespace accel { void Warmup() {} }
