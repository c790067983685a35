"""A fast yes for payloads that surely fit their schema; the rest go the long way.

Nearly every payload checked is valid, and the published schemas are
simple: closed objects whose properties are all required, arrays, strings
with a minimum length or a pattern, integers with a minimum, ``X | None``.
``compile_quick_check`` turns such a schema (without references) into one
generated function that answers True only for values the schema accepts,
using exact types (neither ``True`` nor ``2.0`` is an integer here).  False
means "not sure", never "invalid": the caller then runs the full validator,
which decides and words the refusal, so a quick check can only make valid
payloads cheaper, never change what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"title", "description", "$schema", "$id"})
_TYPE_TESTS = {
    "string": "type({v}) is not str",
    "integer": "type({v}) is not int",
    "number": "type({v}) is not int and type({v}) is not float",
    "boolean": "type({v}) is not bool",
    "null": "{v} is not None",
}
# the full validator's reading of a pattern: an unescaped "$" is the very end
_DOLLAR = re.compile(r"(?<!\\)\$")


def never(value: Any) -> bool:
    """The quick check of a schema this module cannot read: never sure."""
    return False


class _Unsupported(Exception):
    """The schema uses something the quick check does not handle."""


def compile_quick_check(schema: Mapping[str, Any]) -> Predicate:
    """A predicate that is True only for values ``schema`` accepts.

    Like ``dataclasses`` and the stored-event codecs, it is generated as
    source, so a check is one call with no per-node dispatch.  Only property
    names reach the source, as string literals; every other value is passed
    in by name.  A schema using anything not handled here gives ``never``.
    """
    writer = _Writer()
    try:
        writer.check(schema, "v0", 1)
    except _Unsupported:
        return never
    source = "def quick_check(v0):\n" + "\n".join(writer.lines) + "\n    return True\n"
    exec(source, writer.scope)  # generated from property names only
    check: Predicate = writer.scope["quick_check"]
    return check


class _Writer:
    """Writes the checks of one schema as lines of a function body."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.scope: dict[str, Any] = {}
        self._names = 0

    def _fresh(self) -> str:
        self._names += 1
        return f"v{self._names}"

    def _constant(self, value: Any) -> str:
        name = f"c{len(self.scope)}"
        self.scope[name] = value
        return name

    def _refuse_if(self, indent: int, condition: str) -> None:
        self.lines.append(f"{'    ' * indent}if {condition}:")
        self.lines.append(f"{'    ' * (indent + 1)}return False")

    def check(self, schema: Mapping[str, Any], v: str, indent: int) -> None:
        """Lines that return False unless the value in variable ``v`` surely fits."""
        keywords = set(schema) - _ANNOTATIONS
        if keywords == {"anyOf"}:
            self._optional(schema["anyOf"], v, indent)
            return
        kind = schema.get("type")
        if kind == "object":
            self._object(schema, keywords, v, indent)
        elif kind == "array" and keywords == {"type", "items"}:
            self._refuse_if(indent, f"type({v}) is not list")
            item = self._fresh()
            self.lines.append(f"{'    ' * indent}for {item} in {v}:")
            self.check(schema["items"], item, indent + 1)
        elif kind in _TYPE_TESTS:
            self._scalar(schema, keywords - {"type"}, v, indent)
        else:
            raise _Unsupported

    def _optional(self, options: list[Any], v: str, indent: int) -> None:
        """``X | None``: None, or whatever X accepts."""
        others = [option for option in options if option != {"type": "null"}]
        if len(options) != 2 or len(others) != 1:
            raise _Unsupported
        self.lines.append(f"{'    ' * indent}if {v} is not None:")
        self.check(others[0], v, indent + 1)

    def _object(
        self, schema: Mapping[str, Any], keywords: set[str], v: str, indent: int
    ) -> None:
        """A closed object with every property required: exactly those keys."""
        properties: Mapping[str, Any] = schema.get("properties", {})
        if (
            keywords != {"type", "properties", "required", "additionalProperties"}
            or schema["additionalProperties"] is not False
            or sorted(schema["required"]) != sorted(properties)
        ):
            raise _Unsupported
        keys = self._constant(frozenset(properties))
        self._refuse_if(indent, f"type({v}) is not dict or {v}.keys() != {keys}")
        for name, subschema in properties.items():
            child = self._fresh()
            self.lines.append(f"{'    ' * indent}{child} = {v}[{str(name)!r}]")
            self.check(subschema, child, indent)

    def _scalar(
        self, schema: Mapping[str, Any], limits: set[str], v: str, indent: int
    ) -> None:
        kind = schema["type"]
        condition = _TYPE_TESTS[kind].format(v=v)
        if kind == "string" and limits <= {"minLength", "pattern"}:
            if "minLength" in limits:
                shortest = self._constant(schema["minLength"])
                condition += f" or len({v}) < {shortest}"
            if "pattern" in limits:
                pattern = _DOLLAR.sub(r"\\Z", schema["pattern"])
                search = self._constant(re.compile(pattern).search)
                condition += f" or {search}({v}) is None"
        elif kind in ("integer", "number") and limits <= {"minimum"}:
            if limits:
                least = self._constant(schema["minimum"])
                condition = f"({condition}) or {v} < {least}"
        elif limits:
            raise _Unsupported
        self._refuse_if(indent, condition)
