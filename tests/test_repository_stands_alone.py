"""The repository stands alone: its design is docs/architecture.md, and nothing in it points outside it."""

import re
import subprocess

import pytest

from hotdash.sql_files import BASE_DIR, sql_manifest_read

# Spelled in pieces, so that this file does not point outside the repository itself.
OUTSIDE = ("../" + "shared", "DESIGN" + ".md", "STYLE" + ".md")
ARCHITECTURE = BASE_DIR / "docs" / "architecture.md"


def repository_files() -> list[str]:
    """What a clone holds: tracked files, and new ones not ignored (so a file about to be added counts too)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=BASE_DIR, capture_output=True, check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the repository's files cannot be listed")
    return sorted(name for name in set(listed.split("\0")) if name and (BASE_DIR / name).is_file())


def test_nothing_in_the_repository_points_to_documents_outside_it():
    # SQL files a migration applied never change (sql.sha256); the oldest cite the design under its former
    # name, which docs/architecture.md explains.
    applied = set(sql_manifest_read())
    offenders = {}
    for name in repository_files():
        if name in applied:
            continue
        text = (BASE_DIR / name).read_bytes().decode("utf-8", errors="replace")
        found = [pointer for pointer in OUTSIDE if pointer in text]  # docs/style.md is ours: case matters
        if found:
            offenders[name] = found

    assert offenders == {}


def test_every_section_the_code_cites_exists_in_docs_architecture():
    sections = set(re.findall(r"^## (\d+)\. ", ARCHITECTURE.read_text(), flags=re.MULTILINE))
    cited = {}
    for name in repository_files():
        if name.endswith((".py", ".sql", ".md", ".toml", ".html", ".js")) or name == "Makefile":
            for number in re.findall(r"§\s?(\d+)", (BASE_DIR / name).read_text(errors="replace")):
                cited.setdefault(number, set()).add(name)

    assert sections == {str(n) for n in range(1, 10)}
    assert {number: names for number, names in cited.items() if number not in sections} == {}
