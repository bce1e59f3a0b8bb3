"""A signing key for development, generated once and kept in the data directory (stdlib only: settings use it).

Only DEBUG uses it: production supplies its keys through the environment. A key in the repository would be a
key every clone shares, so there is none; each checkout gets its own, readable by its owner alone.
"""

import os
import secrets
from pathlib import Path


def development_key(path: Path) -> str:
    """The key kept at `path`, created (mode 0600 from the first byte) when missing.

    The key is written to a private temporary file and linked into place, so a process that starts at the same
    time either finds the whole key or creates the only one.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(64))
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process linked its key first: use that one
        finally:
            temporary.unlink()
    return path.read_text().strip()
