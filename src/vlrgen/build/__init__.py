"""Phase 6, finish: the build pipeline, the artifact cache and the executor, staging and atomic publishing."""
