"""Counting words: '1 state', '3 states' (the one rule for the log, the pages and the command
line)."""


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 state', '3 states'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
