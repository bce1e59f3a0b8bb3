"""The core package is the security kernel and the plumbing: it imports no app (the apps import it)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "hotdash"
APPS = {"approvals", "feedback", "metrics", "retention", "demo", "tools"}


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_the_core_package_imports_no_app_module():
    offenders = {
        str(path.relative_to(CORE.parent)): sorted(m for m in _imported_modules(path) if m.split(".")[0] in APPS)
        for path in CORE.rglob("*.py")
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_api_plumbing_lives_in_hotdash_api():
    assert not list(CORE.glob("api_*.py"))
    for module in ("authentication", "errors", "pagination", "parsers", "permissions", "urls"):
        assert (CORE / "api" / f"{module}.py").exists()
