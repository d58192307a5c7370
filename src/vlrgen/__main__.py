"""`python -m vlrgen` runs the command line."""

from .cli import main

main()
