"""`python -m vlrgen` runs the command line."""

from vlrgen.cli import main

if __name__ == "__main__":  # not when a process started by multiprocessing imports the main module again
    main()
