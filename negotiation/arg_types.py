"""Argument types for the command lines: whole numbers within a range, refused by argparse with
one line naming the option and what is allowed (exit 2), never a traceback later."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse `type` for a whole number from `low` to `high` (no upper bound if None)."""
    allowed = (
        f"a whole number from {low} to {high}"
        if high is not None
        else f"a whole number, {low} or more"
    )

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {allowed}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is out of range; allowed: {allowed}")
        return value

    return parse
