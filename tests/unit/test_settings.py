from __future__ import annotations

import pytest

from carrier_gateway.settings import DEFAULT_DATABASE_URL, Settings, SettingsError


def test_defaults_without_environment() -> None:
    s = Settings.load(environ={})
    assert s.database_url == DEFAULT_DATABASE_URL and s.port == 8080 and s.sandbox is False
    assert s.event_loop == "uvloop" and Settings.load(environ={"CARRIER_EVENT_LOOP": "asyncio"}).event_loop == "asyncio"
    # a verification step: the backend's own size unless the setting names one
    assert (s.verify_batch("sqlite"), s.verify_batch("postgresql")) == (1000, 500)
    assert Settings.load(environ={"CARRIER_VERIFY_BATCH_SIZE": "7"}).verify_batch("postgresql") == 7


def test_environment_then_overrides() -> None:
    env = {"CARRIER_DATABASE_URL": "sqlite:///e.db", "CARRIER_PORT": "9000", "CARRIER_SANDBOX": "yes"}
    s = Settings.load(environ=env)
    assert (s.database_url, s.port, s.sandbox) == ("sqlite:///e.db", 9000, True)
    s = Settings.load(environ=env, port=9100, database_url=None)
    assert s.port == 9100 and s.database_url == "sqlite:///e.db"


@pytest.mark.parametrize(("var", "value"), [("CARRIER_PORT", "eighty"), ("CARRIER_SANDBOX", "maybe"),
                                             ("CARRIER_PORT", "70000"), ("CARRIER_SQLITE_SYNCHRONOUS", "FAST"),
                                             ("CARRIER_EVENT_LOOP", "trio"), ("CARRIER_VERIFY_BATCH_SIZE", "0")])
def test_bad_values_are_named(var: str, value: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.load(environ={var: value})
    assert var in str(err.value) or "port" in str(err.value)


def test_upload_and_fleet_bounds_come_from_the_environment() -> None:
    env = {"CARRIER_MAX_JOB_LINES": "500", "CARRIER_MAX_OPEN_JOBS": "3", "CARRIER_MAX_UPLOADS_PER_KEY": "1",
           "CARRIER_MAX_ERROR_LINES_PER_JOB": "50", "CARRIER_HEARTBEAT_SECONDS": "0.5"}
    s = Settings.load(environ=env)
    assert (s.max_job_lines, s.max_open_jobs, s.max_uploads_per_key, s.max_error_lines_per_job) == (500, 3, 1, 50)
    assert s.heartbeat_seconds == 0.5
    defaults = Settings.load(environ={})
    assert (defaults.max_uploads_per_key, defaults.max_error_lines_per_job) == (2, 10_000)


@pytest.mark.parametrize(("var", "value"), [("CARRIER_MAX_JOB_LINES", "0"), ("CARRIER_MAX_OPEN_JOBS", "-1"),
                                             ("CARRIER_MAX_UPLOADS_PER_KEY", "0"), ("CARRIER_HEARTBEAT_SECONDS", "0"),
                                             ("CARRIER_HEARTBEAT_SECONDS", "nan")])
def test_bounds_below_one_are_refused_naming_the_variable(var: str, value: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.load(environ={var: value})
    assert var in str(err.value)


def test_x_forwarded_proto_is_believed_only_when_the_environment_says_so() -> None:
    assert Settings.load(environ={}).trust_forwarded_proto is False
    assert Settings.load(environ={"CARRIER_TRUST_FORWARDED_PROTO": "yes"}).trust_forwarded_proto is True
