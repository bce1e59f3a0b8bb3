import pytest


@pytest.fixture(autouse=True)
def backup_dir(tmp_path, settings):
    """Every test writes its run directories under a directory of its own."""
    settings.HOTDASH_BACKUP_DIR = tmp_path / "backups"
    return settings.HOTDASH_BACKUP_DIR
