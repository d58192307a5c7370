"""Phase 1, gather: read a project's files into typed, located objects, collecting every problem.

`vlrgen check` stops after this phase. Nothing here judges, words or writes.
"""
