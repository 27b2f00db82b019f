"""The worked example of docs/extending_stores.md, run as written: its store module is loaded
from the page and registered as a plug-in, and its contract test class is collected here."""

from __future__ import annotations

import re
import types

import pytest

from kb.plugins import plugin_manager, registered
from tests.conftest import ROOT

PAGE = ROOT / "docs/extending_stores.md"
store_code, test_code = re.findall(r"```python\n(.*?)```", PAGE.read_text("utf-8"), re.S)

team_store = types.ModuleType("team_store")
exec(compile(store_code, f"{PAGE}: the store", "exec"), team_store.__dict__)
_tests: dict[str, object] = {"TeamFolders": team_store.TeamFolders}
exec(compile(test_code, f"{PAGE}: its test", "exec"), _tests)
TestTeamFolders = _tests["TestTeamFolders"]


@pytest.fixture(autouse=True)
def team_store_plugin():
    """The page's store module registered as an installed plug-in would be."""
    manager = plugin_manager()
    manager.register(team_store, name="team_store")
    yield
    manager.unregister(name="team_store")


def test_the_page_registers_its_store_under_its_scheme():
    assert isinstance(registered("stores")["team"], team_store.TeamFolders)
