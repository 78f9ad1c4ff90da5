class Reader:
    pass


def read(path):
    with open(path, "rb") as fh:
        return fh.read()
