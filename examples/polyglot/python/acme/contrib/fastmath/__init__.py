"""fastmath: SIMD-style kernels (S0 module)."""

from .kernels import dot

__all__ = ["dot"]
