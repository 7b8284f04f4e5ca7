"""The `accord` command: the cycle collector off before anything is imported (`main` turns it back
on once the command is built: start-up makes many objects and no garbage), main(), then an exit
without tearing the interpreter down."""

import gc
import os
import sys


def run() -> None:
    """Freeing every module and object at exit took about a fifth of a cold `accord rank`, measured
    side by side; accord holds no resource that needs it (outputs are written and closed before
    main returns), so the streams are flushed and the process ends, as mypy ends its runs."""
    gc.disable()
    from .main import BROKEN_PIPE, main  # noqa: PLC0415  (after the collector is off)

    code = main(own_process=True)
    for stream in (sys.stdout, sys.stderr):  # None when the shell closed it (>&-)
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            code = BROKEN_PIPE
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)
