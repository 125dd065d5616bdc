import pytest

from cam_policy_ls.catalog import load_catalog

CURSOR = "‸"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


def split_cursor(marked: str) -> tuple[str, int]:
    """Return the text without its cursor marker, and the marker's offset."""
    offset = marked.index(CURSOR)
    return marked.replace(CURSOR, "", 1), offset
