from __future__ import annotations

import pytest

from carrier_gateway.settings import DEFAULT_DATABASE_URL, Settings, SettingsError


def test_defaults_without_environment() -> None:
    s = Settings.load(environ={})
    assert s.database_url == DEFAULT_DATABASE_URL and s.port == 8080 and s.sandbox is False


def test_environment_then_overrides() -> None:
    env = {"CARRIER_DATABASE_URL": "sqlite:///e.db", "CARRIER_PORT": "9000", "CARRIER_SANDBOX": "yes"}
    s = Settings.load(environ=env)
    assert (s.database_url, s.port, s.sandbox) == ("sqlite:///e.db", 9000, True)
    s = Settings.load(environ=env, port=9100, database_url=None)
    assert s.port == 9100 and s.database_url == "sqlite:///e.db"


@pytest.mark.parametrize(("var", "value"), [("CARRIER_PORT", "eighty"), ("CARRIER_SANDBOX", "maybe"),
                                             ("CARRIER_PORT", "70000"), ("CARRIER_SQLITE_SYNCHRONOUS", "FAST")])
def test_bad_values_are_named(var: str, value: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.load(environ={var: value})
    assert var in str(err.value) or "port" in str(err.value)
