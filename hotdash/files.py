"""Files that hold secrets (demo logins, keys): readable by their owner only, from the first byte."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def private_file_write(path: Path, content: str) -> None:
    """Write `content` to `path` with mode 0600, atomically.

    Writing the file and then chmod-ing it leaves a moment in which the secret sits in a file the umask
    made readable to others, and rewriting an existing file in place shows the new secret to anyone who
    opened the old one. Instead the content goes into a new file that mkstemp creates 0600 next to `path`,
    is flushed to disk, and is renamed over `path`: a reader sees the old file or the whole new one, never
    a half-written one, and nobody but the owner can open the new one at any moment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
