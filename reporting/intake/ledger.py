"""The rejects ledger: one row per refused input row, naming its file, row, field, value and reason.

Both cleaners (records and services) refuse rows through ``Refusals``, so every rejected
row is named once, for its first reason, in the same columns.
"""

from __future__ import annotations

import pandas as pd

LEDGER_COLUMNS = ["source", "row", "record_id", "field", "value", "reason"]


def empty_ledger() -> pd.DataFrame:
    """A ledger with no rows."""
    return pd.DataFrame(columns=LEDGER_COLUMNS)


class Refusals:
    """Rows of one file refused for their first reason, and the ledger rows saying why.

    Args:
        source: the file, for the ledger.
        rows: each row's number in the file (the frame's index).
        ids: each row's own id (record or service number), or None.
    """

    def __init__(self, source: str, rows: pd.Series, ids: pd.Series) -> None:
        self.source, self._rows, self._ids = source, rows, ids
        self.rejected = pd.Series(False, index=rows.index)
        self._ledger: list[pd.DataFrame] = []

    def refuse(self, mask: pd.Series, field: str, values: pd.Series | None, reason: str) -> None:
        """Refuse the rows of ``mask`` not refused yet, for ``reason``; ``values`` are what the file held in ``field``."""
        hit = mask & ~self.rejected
        if hit.any():
            shown = values[hit].astype("object").where(values[hit].notna(), "").astype(str) if values is not None else None
            self._ledger.append(
                pd.DataFrame(
                    {
                        "source": self.source,
                        "row": self._rows[hit].to_numpy(),
                        "record_id": self._ids[hit].to_numpy(),
                        "field": field,
                        "value": shown.to_numpy() if shown is not None else None,
                        "reason": reason,
                    },
                    columns=LEDGER_COLUMNS,
                )
            )
        self.rejected = self.rejected | hit

    def ledger(self) -> pd.DataFrame:
        """Every refused row once, in file order."""
        if not self._ledger:
            return empty_ledger()
        return pd.concat(self._ledger, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)
