"""Cost of the production-safety plumbing on one request, against a baseline in the same run.

- the one JSON parser (``wallet.web.jsonparse.loads``: UTF-8 check, number hooks, depth and
  surrogate walk) against plain ``json.loads`` on the same bytes: a purchase body and a
  60 KB body of many small objects;
- sealing a stored ``Idempotency-Key`` answer (AES-256-GCM) and opening it on a replay,
  against base64 of the same bytes (what storing it as text costs anyway).

    .venv/bin/python benchmarks/input_limits.py
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import timeit

from wallet.web import jsonparse
from wallet.web.idempotency import seal, unseal

PURCHASE = json.dumps({"amount": 25, "description": "Article: the long read",
                       "metadata": {"article_id": "a-123", "source": "app"}}).encode()
BIG = json.dumps({"items": [{"id": f"item-{i}", "n": i, "tags": ["a", "b"]}
                            for i in range(1400)]}).encode()[:60000].rsplit(b"},", 1)[0] + b"}]}"
ANSWER = json.dumps({"id": "vch_x", "payload": "WV1:" + "A" * 180, "code": "ABCDEF-GHJKMN-PQRST",
                     "value": 100}).encode()


def per_call(stmt: object, number: int) -> float:
    best = min(timeit.repeat(stmt, number=number, repeat=5))  # type: ignore[arg-type]
    return best / number * 1e6


def main() -> None:
    key = secrets.token_bytes(32)
    sealed = seal(ANSWER, "scope", "key", key)
    rows = [
        ("json: purchase body", per_call(lambda: json.loads(PURCHASE), 20000),
         per_call(lambda: jsonparse.loads(PURCHASE), 20000)),
        ("json: 60 KB body", per_call(lambda: json.loads(BIG), 200),
         per_call(lambda: jsonparse.loads(BIG), 200)),
        ("idempotency: store answer", per_call(lambda: base64.b64encode(ANSWER), 20000),
         per_call(lambda: seal(ANSWER, "scope", "key", key), 20000)),
        ("idempotency: replay answer", per_call(lambda: base64.b64decode(sealed[3:]), 20000),
         per_call(lambda: unseal(sealed, "scope", "key", key), 20000)),
    ]
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print("| what | baseline µs | ours µs | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, baseline, ours in rows:
        print(f"| {name} | {baseline:.1f} | {ours:.1f} | {ours / baseline:.2f} |")


if __name__ == "__main__":
    main()
