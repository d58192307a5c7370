"""`vlrgen build` with fake PDFs that can be paused at a named moment, for the kill and signal tests.

Run as `python tests/killable_build.py build PROJECT… --out OUT [--jobs N]`, with in the environment:

- `VLRGEN_PAUSE_AT`: `stage` or `stage:n`. At the n-th (default: first) `publish.checkpoint(stage)` in the
  build, or `worker` (the first fake PDF a worker process starts laying out), the build writes the stage
  into the file `VLRGEN_PAUSED` and sleeps there, so that the test can kill it at exactly that moment.
- `VLRGEN_SLOW_PDF`: seconds each fake PDF takes (default 0), so that PDFs are still in the workers.

Worker processes import this module to unpickle `SlowFakePdfRenderer`: the tests folder is on sys.path.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

from vlrgen.output.pdf import FakePdfRenderer, PdfRequest, PdfResult


def pause(stage: str) -> None:
    Path(os.environ["VLRGEN_PAUSED"]).write_text(stage, encoding="utf-8")
    time.sleep(600)


class SlowFakePdfRenderer(FakePdfRenderer):
    def render(self, request: PdfRequest) -> PdfResult:
        if os.environ.get("VLRGEN_PAUSE_AT") == "worker" and os.getpid() != int(os.environ["VLRGEN_BUILD_PID"]):
            pause("worker")
        time.sleep(float(os.environ.get("VLRGEN_SLOW_PDF", "0")))
        return super().render(request)


def main() -> None:
    from vlrgen import cli
    from vlrgen.build import pipeline, publish

    os.environ["VLRGEN_BUILD_PID"] = str(os.getpid())
    target = os.environ.get("VLRGEN_PAUSE_AT", "")
    stage, _, nth = target.partition(":")
    seen = {"count": 0}

    def checkpoint(name: str) -> None:
        if name == stage:
            seen["count"] += 1
            if seen["count"] == int(nth or 1):
                pause(target)

    publish.checkpoint = checkpoint
    # `vlrgen build` takes BuildOptions from the pipeline module when it builds
    pipeline.BuildOptions = functools.partial(pipeline.BuildOptions, pdf_renderer=SlowFakePdfRenderer())  # type: ignore[misc]
    cli.main()


if __name__ == "__main__":
    from killable_build import main as imported_main  # the renderer's class must pickle as killable_build.…

    imported_main()
