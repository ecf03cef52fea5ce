"""The `carrier` command line: parse, call one service function, print (table or --json)."""

from __future__ import annotations

import sys

import click

from carrier_gateway.commands import LazyRoot


@click.group(cls=LazyRoot, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def root() -> None:
    """Carrier-side service for connected-vehicle (IoV) SIM cards: number resources,
    purchasing enterprises, card issuance, real-name registration and inspection.

    Every command takes --database-url and --json, before or after its name.
    Start with `carrier init --sandbox` then `carrier serve --sandbox`.
    Exit status: 0 success, 1 failure (one line on stderr), 2 usage error.
    """


def main(argv: list[str] | None = None) -> None:
    try:
        code = root.main(args=argv, prog_name="carrier", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        code = 1
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        code = 130
    except Exception as exc:
        from carrier_gateway.commands.base import one_line_error  # the database stack: only after a failure

        message = one_line_error(exc)
        if message is None:
            raise
        click.echo(f"error: {message}", err=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
