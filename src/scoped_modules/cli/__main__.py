"""``python -m scoped_modules.cli``: the ``scoped`` command."""

from . import main

main()
