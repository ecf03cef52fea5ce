"""Run the `carrier` command in-process (fast) or as a real subprocess."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cli


@dataclasses.dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def carrier(*args: str) -> Result:
    """In-process: what a user would see, exit status included."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())


def carrier_bin() -> list[str]:
    script = Path(sys.executable).parent / "carrier"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def carrier_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                    timeout: float = 60) -> Result:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([*carrier_bin(), *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)
