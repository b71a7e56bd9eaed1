"""Reading YAML text safely: scenario files, sweep files, text pasted in the browser.

Two guards, both before the parser builds anything (`guard_yaml`, one linear scan with libyaml's
C scanner, about 0.1 s for a whole megabyte): text larger than `MAX_FILE_BYTES`, any anchor or
alias (``&x``, ``*x``: a few kilobytes of aliases can expand to gigabytes), and nesting deeper than
`MAX_YAML_DEPTH` (which would otherwise end in a RecursionError) are refused with
`UnsafeYaml`. Booleans are YAML 1.2's: only true/false, so `off`, `no` and `yes` stay text
(`territorial_constraint: off`). A key written twice in one mapping is refused.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_YAML_DEPTH = 20

_OPEN = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
_Scanner = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLoader(yaml.SafeLoader):
    """Safe YAML with YAML 1.2 booleans, and a key written twice in one mapping refused (YAML
    would keep the last one silently: `rounds: 10` ... `rounds: 5` plays five rounds)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in first:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key_node.value!r} is written twice in one mapping (first on line "
                    f"{first[key_node.value].line + 1}); keep one",
                    key_node.start_mark,
                )
            first[key_node.value] = key_node.start_mark
        return super().construct_mapping(node, deep)


YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class UnsafeYaml(yaml.MarkedYAMLError):
    """YAML refused before parsing: `problem` says what, at `problem_mark` (if known);
    `headline` says it as a sentence about the text (after its name)."""

    def __init__(self, problem: str, headline: str, mark: yaml.Mark | None = None):
        super().__init__(problem=problem, problem_mark=mark)
        self.headline = headline

    @property
    def line(self) -> int | None:
        return None if self.problem_mark is None else self.problem_mark.line + 1


def guard_yaml(text: str) -> None:
    """Raise `UnsafeYaml` for text that would be costly to parse: too large, anchors or
    aliases, deep nesting. Syntax errors are left to the parser, which words them with their
    line."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_FILE_BYTES:
        raise UnsafeYaml(
            f"file is larger than {MAX_FILE_BYTES} bytes",
            f"is {size} bytes; the limit is {MAX_FILE_BYTES}",
        )
    scanner = _Scanner(text)
    depth = 0
    try:
        while scanner.check_token():
            token = scanner.get_token()
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                raise UnsafeYaml(
                    "anchors and aliases are not allowed",
                    "uses YAML anchors or aliases (& and *), which are not allowed here; "
                    "write each value out",
                    token.start_mark,
                )
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise UnsafeYaml(
                        "nested too deeply",
                        f"nests deeper than {MAX_YAML_DEPTH} levels",
                        token.start_mark,
                    )
            elif isinstance(token, _CLOSE):
                depth -= 1
    except UnsafeYaml:
        raise
    except yaml.YAMLError as err:
        if "depth" in str(err):  # libyaml's own nesting limit
            raise UnsafeYaml(
                "nested too deeply", f"nests deeper than {MAX_YAML_DEPTH} levels"
            ) from None
    finally:
        scanner.dispose()


def read_yaml(text: str) -> Any:
    """Parse YAML text safely, after `guard_yaml` (raises `UnsafeYaml` or another
    `yaml.YAMLError`), with YAML 1.2 booleans."""
    guard_yaml(text)
    return yaml.load(text, Loader=YamlLoader)
