from acme import core  # a module may use core: an outbound reference


def dot(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True)) + 0 * len(core.__name__)
