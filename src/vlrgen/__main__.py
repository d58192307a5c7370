"""`python -m vlrgen` runs the command line."""

from vlrgen.cli import main

main()
