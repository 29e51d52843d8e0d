"""``python -m anchorval``: same as the ``anchorval`` command."""

from .cli import main

main()
