"""docs/operators.md shows the roles x actions table the code enforces (PERMISSIONS)."""

from __future__ import annotations

from pathlib import Path

from eservice_desktop.domain.operators import PERMISSIONS, Action, Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "operators.md"


def test_docs_table_is_the_permissions_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- roles-actions-table")[1].split("<!-- end roles-actions-table")[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    header = next(line for line in table.splitlines() if line.startswith("| action"))
    roles = [Role(c.strip()) for c in header.strip("|").split("|")[1:]]
    assert set(roles) == set(Role)
    seen: dict[Role, set[Action]] = {r: set() for r in Role}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        action = Action(cells[0].strip("`"))
        for role, cell in zip(roles, cells[1:], strict=True):
            if cell == "✓":
                seen[role].add(action)
    assert len(rows) == len(Action)
    assert {r: frozenset(a) for r, a in seen.items()} == dict(PERMISSIONS)
