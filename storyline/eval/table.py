"""Print an evaluation result as a table (rich) or as one JSON object with an `overall` key."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, int) for v in value)
    ):
        return f"{value[0]}/{value[1]}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return "—" if value is None else str(value)


def print_result(result: dict[str, Any], *, as_json: bool, console: Console) -> None:
    """Show `result` ({name, columns, rows, overall}) as a table, or print it as JSON."""
    if as_json:
        console.file.write(json.dumps(result, ensure_ascii=False, indent=2, default=list) + "\n")
        return
    table = Table(title=result["name"])
    for col in result["columns"]:
        table.add_column(col, overflow="fold")
    for row in result["rows"]:
        table.add_row(*(_cell(row.get(col)) for col in result["columns"]))
    console.print(table)
    summary = Table(title="overall")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    for key, value in result["overall"].items():
        summary.add_row(key, _cell(value))
    console.print(summary)
