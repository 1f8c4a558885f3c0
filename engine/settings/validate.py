"""Checks for the YAML files we read at start-up (config.yaml, character.yaml).

A bad value must stop the program with one line that names the file, the key
and what was expected, so every check raises ``Invalid(expected)`` and the
caller adds the file and key.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

Check = Callable[[Any], Any]
T = TypeVar("T")


class Invalid(ValueError):
    """A value failed a check; ``expected`` says what would have passed."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class ConfigError(Exception):
    """A start-up file is wrong. ``str()`` is the one line shown to the user."""

    def __init__(self, file: str, key: str, expected: str, got: Any = ...) -> None:
        self.file, self.key, self.expected = file, key, expected
        line = f"{file}: {key}: expected {expected}"
        if got is not ...:
            line += f", got {_show(got)}"
        super().__init__(line)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def integer(lo: int, hi: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise Invalid(f"an integer from {lo} to {hi}")
        return value
    return check


def number(lo: float, hi: float) -> Check:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise Invalid(f"a number from {lo} to {hi}")
        return float(value)
    return check


def boolean() -> Check:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise Invalid("true or false")
        return value
    return check


def text(choices: tuple[str, ...] | None = None, optional: bool = False,
         pattern: str | None = None, meaning: str = "a string") -> Check:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if choices is not None:
            if value not in choices:
                raise Invalid("one of " + ", ".join(choices))
            return value
        if not isinstance(value, str) or not value or (pattern and not re.fullmatch(pattern, value)):
            raise Invalid(meaning + (" or null" if optional else ""))
        return value
    return check


def string_list(meaning: str, pattern: str | None = None) -> Check:
    def check(value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if (not isinstance(value, (list, tuple))
                or not all(isinstance(v, str) and v and (not pattern or re.fullmatch(pattern, v)) for v in value)):
            raise Invalid(f"a list of {meaning}")
        return tuple(value)
    return check


def int_pair(lo: int, hi: int, meaning: str = "[width, height]") -> Check:
    def check(value: Any) -> tuple[int, int]:
        if (not isinstance(value, (list, tuple)) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi for v in value)):
            raise Invalid(f"{meaning}, two integers from {lo} to {hi}")
        return (value[0], value[1])
    return check


def color() -> Check:
    def check(value: Any) -> tuple[int, int, int]:
        if isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
        if (isinstance(value, (list, tuple)) and len(value) == 3
                and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in value)):
            return tuple(value)  # type: ignore[return-value]
        raise Invalid('a colour as "#RRGGBB" (quoted) or [r, g, b]')
    return check


def optional(check: Check) -> Check:
    """``check``, or null."""
    def checked(value: Any) -> Any:
        if value is None:
            return None
        try:
            return check(value)
        except Invalid as bad:
            raise Invalid(bad.expected + ", or null") from None
    return checked


def setting(default: Any, check: Check) -> Any:
    """A dataclass field whose YAML value is validated by ``check``."""
    return dataclasses.field(default=default, metadata={"check": check})


def section(cls: type) -> Any:
    """A dataclass field holding a nested section, built by ``build``."""
    return dataclasses.field(default_factory=cls, metadata={"section": cls})


def build(cls: type[T], data: Any, file: str, prefix: str = "") -> T:
    """Turn a YAML mapping into the dataclass ``cls``, validating every key."""
    where = prefix.rstrip(".") or "(top level)"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(file, where, "a mapping of keys to values", data)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            raise ConfigError(file, f"{prefix}{key}", "one of the known keys: " + ", ".join(fields))
        meta = fields[key].metadata
        if "section" in meta:
            values[key] = build(meta["section"], value, file, f"{prefix}{key}.")
        else:
            try:
                values[key] = meta["check"](value)
            except Invalid as bad:
                raise ConfigError(file, f"{prefix}{key}", bad.expected, value) from None
    return cls(**values)
