"""Ignore a known, harmless warning for the length of a block, safely under a threaded server.

`warnings.catch_warnings` swaps the process-wide filter list and puts it back on exit. Before Python 3.14 that is
not thread-safe: when two threads' blocks overlap, the first to leave restores a list without the second's filter,
and the second block's warning escapes (under pytest's warnings-as-errors, as an exception in a request). One lock
serialises every such block in the package, so their swaps never interleave.
"""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager
from typing import Iterator

_LOCK = threading.RLock()


@contextmanager
def ignoring(category: type[Warning] = Warning, message: str = "", module: str = "") -> Iterator[None]:
    """Run a block with warnings of `category` (matching `message` and `module`, regexes) ignored."""
    with _LOCK, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=message, category=category, module=module)
        yield
