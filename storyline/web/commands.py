"""CLI command of the web stage, registered on the main group: `storyline serve`."""

from __future__ import annotations

import ipaddress

import click

from storyline.link.story_commands import _HasStore


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.pass_obj
def serve(obj: _HasStore, host: str, port: int) -> None:
    """Serve the web UI and the JSON API (/api, schema at /api/openapi.json), read-only.

    Listens on this machine only unless --host names another address: the pages show every
    stored article to whoever can reach them.
    """
    import uvicorn

    from storyline.web.app import create_app

    store = obj.store()  # creates or migrates the store before the server opens it read-only
    db = store.path
    store.close()
    if not _loopback(host):
        click.echo(f"warning: serving {db} to the network on {host}:{port}", err=True)
    click.echo(f"storyline: http://{host}:{port}/ ({db}); Ctrl-C stops", err=True)
    # bound to every address, the Host header may name any of them
    hosts = ["*"] if host in {"0.0.0.0", "::"} else [host]
    uvicorn.run(create_app(db, hosts=hosts), host=host, port=port, log_level="warning")
