"""The one JSON parser for bodies from outside, with limits (no Flask).

Python's ``json`` gives a ``RecursionError`` for deep nesting and a ``ValueError``
for integer literals past 4,300 digits; strings may carry lone surrogates that no
database can store. ``loads`` turns each of these into ``InvalidJSON`` (400):

- the bytes must be UTF-8 (``invalid_encoding``);
- at most ``MAX_DEPTH`` nested arrays/objects (``json_too_deep``);
- number literals of at most ``MAX_NUMBER_LENGTH`` characters (``json_number_too_long``);
  no ``NaN`` / ``Infinity``;
- no lone surrogates in strings or keys (``invalid_encoding``).

The checks after parsing run at C speed where they can (a comprehension per level of
containers, one regular expression for surrogate escapes): a 60 KB body costs about
twice plain ``json.loads`` (``benchmarks/input_limits.py``).

Every request body is read through ``wallet.web.json_body`` (which calls this once);
the provider webhooks use it after checking the signature on the raw bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from wallet.errors import InvalidRequest

MAX_DEPTH = 32
MAX_NUMBER_LENGTH = 40


class InvalidJSON(InvalidRequest):
    code = "invalid_json"
    default_message = "The body is not valid JSON."


class _NumberTooLong(ValueError):
    pass


def _number(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(literal: str) -> Any:
        if len(literal) > MAX_NUMBER_LENGTH:
            raise _NumberTooLong(literal[:20])
        return convert(literal)

    return parse


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# Lone surrogates can only come from ``\\uD800``-style escapes (strict UTF-8 has none).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _check_depth(value: Any, max_depth: int) -> None:
    """Level by level over containers only (C-speed comprehensions, no recursion)."""
    level, depth = [value], 0
    while level:
        depth += 1
        if depth > max_depth:
            raise InvalidJSON(f"JSON is nested deeper than {max_depth} levels.",
                              code="json_too_deep")
        below: list[Any] = []
        for item in level:
            children = item.values() if type(item) is dict else item
            below.extend([c for c in children if type(c) is dict or type(c) is list])
        level = below


def _check_surrogates(text: str, value: Any) -> None:
    if _SURROGATE_ESCAPE.search(text) is None:
        return
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidJSON("Strings must be valid Unicode (no lone surrogates).",
                          code="invalid_encoding") from None


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH,
          parse_float: Callable[[str], Any] = float) -> Any:
    """Parse a JSON document from outside; raises ``InvalidJSON`` for anything hostile."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidJSON("The body is not valid UTF-8.", code="invalid_encoding") from None
    else:
        text = raw
    try:
        value = json.loads(text, parse_int=_number(int), parse_float=_number(parse_float),
                           parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidJSON(f"JSON is nested deeper than {max_depth} levels.",
                          code="json_too_deep") from None
    except _NumberTooLong:
        raise InvalidJSON(f"Numbers are at most {MAX_NUMBER_LENGTH} characters long.",
                          code="json_number_too_long") from None
    except ValueError as exc:
        raise InvalidJSON(f"The body is not valid JSON: {str(exc)[:120]}") from None
    if type(value) is dict or type(value) is list:
        _check_depth(value, max_depth)
    _check_surrogates(text, value)
    return value
