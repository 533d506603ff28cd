"""The one JSON parser for bodies from outside, with limits (no Flask).

Python's ``json`` gives a ``RecursionError`` for deep nesting and a ``ValueError``
for integer literals past 4,300 digits; strings may carry lone surrogates that no
database can store. ``loads`` turns each of these into ``InvalidJSON`` (400):

- the bytes must be UTF-8 (``invalid_encoding``);
- at most ``MAX_DEPTH`` nested arrays/objects (``json_too_deep``);
- number literals of at most ``MAX_NUMBER_LENGTH`` characters (``json_number_too_long``);
  no ``NaN`` / ``Infinity``;
- no lone surrogates in strings or keys (``invalid_encoding``).

Every request body is read through ``wallet.web.json_body`` (which calls this once);
the provider webhooks use it after checking the signature on the raw bytes.
"""

from __future__ import annotations

import json
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


def _check_text(value: str) -> None:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidJSON("Strings must be valid Unicode (no lone surrogates).",
                              code="invalid_encoding") from None


def _check_shape(value: Any, max_depth: int) -> None:
    """Depth and text checks without recursion (the value is already parsed)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise InvalidJSON(f"JSON is nested deeper than {max_depth} levels.",
                              code="json_too_deep")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)


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
    _check_shape(value, max_depth)
    return value
