#pragma once
namespace accel { void Warmup(); }
