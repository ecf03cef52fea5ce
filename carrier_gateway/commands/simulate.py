"""`carrier simulate`: a local carrier plus simulated OEM traffic, end to end."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shlex
import tempfile
from pathlib import Path

import click

from carrier_gateway.commands.base import CliFailure, command, emit, state
from carrier_gateway.settings import Settings
from numbering.clock import CHINA
from provisioning.simulation.plan import Params

KEY_FILE_VAR = "CARRIER_MASTER_KEY_FILE"
URL_VAR = "CARRIER_DATABASE_URL"


def _given_url() -> str | None:
    return state().database_url or os.environ.get(URL_VAR) or None


def _database() -> tuple[str, Path | None]:
    """The --database-url (or $CARRIER_DATABASE_URL) given, else a new SQLite file in a
    new temporary directory (kept, so the result can be inspected). Returns the URL and
    the SQLite file, if any."""
    from carrier_gateway.db import normalize_url

    url = _given_url()
    if url is None:
        url = "sqlite+aiosqlite:///" + str(Path(tempfile.mkdtemp(prefix="carrier-simulate-")) / "simulation.db")
    parsed = normalize_url(url)
    return url, Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def _master_key(settings: Settings, sqlite_file: Path | None, temporary: bool) -> tuple[str, str | None]:
    """The key file to use and, if it is not what the environment already names, the
    file to mention when inspecting: $CARRIER_MASTER_KEY or a configured key file first,
    else a new key file (0600) next to the database."""
    from provisioning.privacy.keyring import ENV_VAR, new_keyring, write_keyring

    if os.environ.get(ENV_VAR):
        return settings.master_key_path, None
    configured = Path(settings.master_key_path)
    if not temporary and (os.environ.get(KEY_FILE_VAR) or configured.exists()):
        return str(configured), None if os.environ.get(KEY_FILE_VAR) else str(configured)
    path = (sqlite_file.with_suffix(".key") if sqlite_file is not None else configured).resolve()
    if not path.exists():
        write_keyring(new_keyring(), path)
    return str(path), str(path)


@command("simulate")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Same seed, same scenario and outcome (on the same day: dates are drawn relative to today).")
@click.option("--oems", type=click.IntRange(1, 100), default=3, show_default=True, help="OEMs to simulate.")
@click.option("--cards", type=click.IntRange(20, 1_000_000), default=200, show_default=True,
              help="Cards issued to each OEM.")
@click.option("--bad-fraction", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="Share of sales pushed with a broken record (each kind earns its own reason code).")
@click.option("--outage-fraction", type=click.FloatRange(0, 1), default=0.02, show_default=True,
              help="Share of sales whose holder the identity authority never answers for (stay PENDING).")
@click.option("--authority-latency", type=click.FloatRange(0, 60), default=0.0, show_default=True,
              metavar="SECONDS", help="Delay the sandbox identity authority adds to every check.")
@click.option("--authority-failure-rate", type=click.FloatRange(0, 0.95), default=0.0, show_default=True,
              help="Share of identity checks that fail (retried with backoff: the run takes longer).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port of the service  [default: any free]")
@click.option("--concurrency", type=click.IntRange(1, 256), default=8, show_default=True,
              help="Single pushes in flight per OEM.")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Records per batch push.")
@click.option("--timeout", type=click.FloatRange(1), default=120.0, show_default=True, metavar="SECONDS",
              help="Longest wait for verification and for webhook delivery, per phase.")
def simulate_cmd(seed: int, oems: int, cards: int, bad_fraction: float, outage_fraction: float,
                 authority_latency: float, authority_failure_rate: float, port: int, concurrency: int,
                 batch_size: int, timeout: float) -> None:
    """Run a local carrier (the real service, sandbox identity authority, on 127.0.0.1)
    and drive simulated OEM traffic through its HTTP API, then print a summary.

    Without --database-url (or $CARRIER_DATABASE_URL) it uses a new temporary SQLite
    database, kept and named at the end so `carrier report inspection` can be run on
    it; a database given must be empty. Progress goes to stderr. Exit status 1 if anything ended other than the
    scenario says it must.
    """
    import aiohttp
    from sqlalchemy.engine import make_url

    from carrier_gateway.client import ApiError
    from carrier_gateway.simulate.progress import Progress
    from carrier_gateway.simulate.provision import NotEmpty
    from carrier_gateway.simulate.render import render
    from carrier_gateway.simulate.run import Options, simulate
    from provisioning.privacy.keyring import ENV_VAR

    temporary = _given_url() is None
    url, sqlite_file = _database()
    base = Settings.load(database_url=url)
    key_path, key_hint = _master_key(base, sqlite_file, temporary)
    settings = Settings.load(database_url=url, sandbox=True, master_key_path=key_path,
                             authority_latency=authority_latency, authority_failure_rate=authority_failure_rate)
    params = Params(seed=seed, oems=oems, cards=cards, bad_fraction=bad_fraction, outage_fraction=outage_fraction,
                    today=dt.datetime.now(CHINA).date(), min_age=settings.min_holder_age,
                    max_cards_per_document=settings.max_cards_per_document)
    try:
        params.check()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    options = Options(params, settings, port=port, concurrency=concurrency, batch_size=batch_size, timeout=timeout)
    try:
        summary = asyncio.run(simulate(options, Progress()))
    except NotEmpty as exc:
        raise CliFailure(str(exc)) from None
    except ApiError as exc:
        raise CliFailure(f"the service answered {exc}") from None
    except aiohttp.ClientError as exc:
        raise CliFailure(f"talking to the service failed: {exc}") from None
    shown = make_url(url).render_as_string(hide_password=True)
    inspect = " ".join(filter(None, [f"{KEY_FILE_VAR}={shlex.quote(key_hint)}" if key_hint else None,
                                     "carrier report inspection --database-url", shlex.quote(shown)]))
    summary.update(database_url=shown, master_key=key_hint or ("$" + ENV_VAR if os.environ.get(ENV_VAR) else key_path),
                   inspect=inspect)
    emit(summary, lambda: render(summary, inspect))
    checks = summary["checks"]
    if not checks["settled"] or not checks["as_planned"]:
        why = "did not settle within the timeout" if not checks["settled"] else \
            f"{checks['unexpected_count']} outcomes and {len(checks['differences'])} figures differ from the scenario"
        raise CliFailure(f"simulation {why}")


COMMANDS = [simulate_cmd]
