"""The round data: Mesa's DataCollector, one column per number of the round-end snapshot."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


class RoundCollector(mesa.DataCollector):
    """A DataCollector whose model reporters read the snapshot the model takes at round end.

    `collect` appends the snapshot's values straight to the columns: they are plain numbers and
    flags, which Mesa's deep copy of each reporter's value would only copy again."""

    def __init__(self, columns: tuple[str, ...]):
        super().__init__(
            model_reporters={name: (lambda m, name=name: m._snapshot[name]) for name in columns}
        )
        self._columns = [(name, self.model_vars[name]) for name in columns]

    def collect(self, model: NegotiationModel) -> None:
        self._collection_steps.append(model.time)
        snapshot = model._snapshot
        for name, column in self._columns:
            column.append(snapshot[name])
