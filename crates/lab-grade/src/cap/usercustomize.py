# lab-grade class: a student's program may print without end (a loop on recv()
# that never stops at b'' prints an empty message a million times a second).
# Python imports this module at start-up, before the program; after
# LAB_GRADE_OUTPUT_LIMIT characters (1,000,000 by default) of console output,
# the rest is dropped, said once, so that a class's grading stays bounded in
# memory and time. Below the limit, nothing changes.
# And a program whose grading was given up (the grader creates the file named by
# LAB_GRADE_STOP_FILE), or whose grader is gone, ends: nothing is left running.
import os
import sys
import threading
import time

_LIMIT = int(os.environ.get("LAB_GRADE_OUTPUT_LIMIT", "1000000"))
_written = [0]


class _Capped:
    """A console stream that passes on its first _LIMIT characters."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        before = _written[0]
        if before >= _LIMIT:
            return len(text)
        _written[0] = before + len(text)
        if _written[0] < _LIMIT:
            return self._stream.write(text)
        self._stream.write(text[: _LIMIT - before])
        self._stream.write(
            "\n[lab-grade: the program printed more than %d characters; the rest is not shown]\n"
            % _LIMIT
        )
        self._stream.flush()
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


if sys.stdout is not None:
    sys.stdout = _Capped(sys.stdout)
if sys.stderr is not None:
    sys.stderr = _Capped(sys.stderr)


def _watch():
    parent = os.getppid()
    stop = os.environ.get("LAB_GRADE_STOP_FILE")
    while True:
        time.sleep(0.5)
        if os.getppid() != parent or (stop and os.path.exists(stop)):
            os._exit(3)


threading.Thread(target=_watch, daemon=True).start()
