import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Imported files are stored under MEDIA_ROOT: a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
