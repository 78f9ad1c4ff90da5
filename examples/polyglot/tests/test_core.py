from acme import core


def test_dot():
    assert core.dot([1, 2], [3, 4]) == 11
