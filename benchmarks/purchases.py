"""Purchases per second over HTTP: gunicorn (gthread) + wrk, beside pgbench on the same server.

    .venv/bin/python benchmarks/purchases.py                 # PostgreSQL, then SQLite
    .venv/bin/python benchmarks/purchases.py --engine postgresql --duration 20
    .venv/bin/python benchmarks/purchases.py --profile 10    # + py-spy on one worker

What it does, on 127.0.0.1 only and for a bounded time:

1. creates a throw-away database (PostgreSQL: ``wallet_bench_…`` next to
   ``WALLET_TEST_POSTGRES_URL``; SQLite: a temp file), migrates it, seeds one
   merchant with one app and ``--users`` people with paid credits and one access
   token each;
2. starts the app server (``--server``: gunicorn ``-k gthread`` or ``-k sync``, or
   granian's WSGI interface) on a free port (rate limits off, velocity limit
   raised so the benchmark measures the purchase itself);
3. runs wrk with ``--connections`` connections; a Lua script gives every request
   its own Idempotency-Key and a random person's token; warm-up first;
4. on PostgreSQL runs ``pgbench -b simple-update -c <connections>`` for the same
   duration against a fresh pgbench database on the same server, dropped after;
5. measures the CPU time (/proc) of the app server's processes and of the PostgreSQL
   backends of the benchmark database during the measured wrk run, per purchase;
6. checks the ledger afterwards (merchant pending == purchases * amount) and
   prints one JSON object per engine.
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get(
    "WALLET_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AMOUNT = 1

LUA = """
local tokens = {%(tokens)s}
local counter = 0
tid = tid or 0
function setup(thread)
  __n = (__n or 0) + 1
  thread:set("tid", __n)
end
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
end
request = function()
  counter = counter + 1
  local token = tokens[math.random(#tokens)]
  return wrk.format("POST", "/v1/purchases", {
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "%(run)s-" .. tid .. "-" .. counter,
    ["Content-Type"] = "application/json",
  }, '{"amount": %(amount)d, "description": "Sticker"}')
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "non2xx": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "mean_us": %%.1f}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def admin_engine() -> Any:
    from sqlalchemy import create_engine

    return create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_pg_database(prefix: str) -> str:
    from sqlalchemy import text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin_engine().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name


def drop_pg_database(name: str) -> None:
    from sqlalchemy import text

    with admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def seed(url: str, users: int, workdir: Path, env: dict[str, str]) -> dict[str, Any]:
    """Migrate and seed; returns the merchant id and one token per person."""
    from flask_migrate import upgrade

    from tests.support.buyers import make_world, top_up, user_token
    from wallet import create_app
    from wallet.db import db

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(workdir / "instance"),
                      "SECRET_KEY": env["WALLET_SECRET_KEY"],
                      "LEDGER_SIGNING_KEY": env["WALLET_LEDGER_SIGNING_KEY"]})
    with app.app_context():
        upgrade(revision="heads")
        session = db.session()
        world = make_world(session, users=users)
        tokens = []
        for user in world.user_ids:
            top_up(session, user, 10**12)
            tokens.append(user_token(session, user, world.app_id, expires_in=86400))
        session.commit()
        db.engine.dispose()
    return {"merchant_id": world.merchant_id, "tokens": tokens, "app": app}


def ledger_check(app: Any, merchant_id: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from tests.support.buyers import pending
    from wallet.db import db
    from wallet.purchases.models import Purchase

    with app.app_context():
        session = db.session()
        count = int(session.scalar(select(func.count()).select_from(Purchase)) or 0)
        earned = pending(session, merchant_id)
        db.session.rollback()
        db.engine.dispose()
    return {"purchases": count, "merchant_pending": earned}


def server_command(server: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line of one app server: gunicorn gthread or sync, granian (WSGI), or
    Flask's development server (``flask run``: one process, a thread per request)."""
    if server == "flask":
        return [str(VENV_BIN / "flask"), "--app", "wallet", "run", "--host", "127.0.0.1",
                "--port", str(port)]
    if server == "granian":
        return [str(VENV_BIN / "granian"), "--interface", "wsgi", "--factory",
                "--workers", str(workers), "--blocking-threads", str(threads),
                "--host", "127.0.0.1", "--port", str(port), "--backlog", "2048",
                "--log-level", "warning", "--no-ws", "wallet:create_app"]
    kind = ["-k", "gthread", "--threads", str(threads)] if server == "gthread" else ["-k", "sync"]
    return [str(VENV_BIN / "gunicorn"), *kind, "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--keep-alive", "30",
            "--log-level", "warning", "wallet:create_app()"]


def start_server(server: str, url: str, port: int, workers: int, threads: int,
                 env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    server_env = {"WALLET_PURCHASE_HOT_PATH": "true", **os.environ, **env,
                  "WALLET_DATABASE_URL": url,
                  "WALLET_RATELIMIT_ENABLED": "false", "WALLET_PURCHASE_VELOCITY": "1000000000",
                  "WALLET_ENV": "development"}
    command = server_command(server, port, workers, threads)
    process = subprocess.Popen(command, cwd=ROOT, env=server_env,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    import urllib.request

    deadline = time.monotonic() + 60
    ready = 0
    while time.monotonic() < deadline and ready < 2 * workers:  # every worker answers
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                ready += r.status == 200
        except OSError:
            time.sleep(0.3)
    if ready:
        return process
    stop(process)
    raise RuntimeError(f"{server} did not start; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int:
    """User + system CPU of one process (and its reaped threads), in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def backend_pids(dbname: str | None) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database."""
    if dbname is None:
        return []
    from sqlalchemy import text

    with admin_engine().connect() as conn:
        rows = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d"),
                            {"d": dbname}).all()
    return [int(r[0]) for r in rows]


class CpuMeter:
    """CPU seconds used by the app server (master + workers) and by the PostgreSQL
    backends of the benchmark's database over a measurement, from /proc."""

    def __init__(self, master: int, dbname: str | None) -> None:
        self.master, self.dbname = master, dbname
        self.start = self._sample()

    def _sample(self) -> dict[str, dict[int, int]]:
        app = [self.master, *worker_pids(self.master)]
        return {"app": {p: cpu_ticks(p) for p in app},
                "pg": {p: cpu_ticks(p) for p in backend_pids(self.dbname)}}

    def per_request(self, requests: int) -> dict[str, float | None]:
        end = self._sample()
        out: dict[str, float | None] = {}
        for side in ("app", "pg"):
            used = sum(t - self.start[side].get(p, 0) for p, t in end[side].items())
            out[f"{side}_cpu_ms"] = (round(used / CLOCK_TICKS * 1000 / requests, 3)
                                     if end[side] and requests else None)
        return out


def run_wrk(port: int, script: Path, connections: int, threads: int, duration: int
            ) -> dict[str, Any]:
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
               "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"]
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          timeout=duration + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None or '"requests": 0,' in line:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("non2xx", "connect", "read", "write",
                                               "timeout"))
    return result


def run_pgbench(connections: int, threads: int, duration: int) -> dict[str, Any]:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL)
    name = create_pg_database("pgbench_bench")
    base = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", url.username or "postgres"]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    try:
        subprocess.run(["pgbench", "-i", "-q", "-s", "10", *base, name], check=True,
                       capture_output=True, env=env, timeout=300)
        out = subprocess.run(
            ["pgbench", "-b", "simple-update", "-c", str(connections), "-j", str(threads),
             "-T", str(duration), *base, name],
            check=True, capture_output=True, text=True, env=env, timeout=duration + 120,
        ).stdout
    finally:
        drop_pg_database(name)
    tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    latency = re.search(r"latency average = ([0-9.]+) ms", out)
    return {"tps": tps, "latency_avg_ms": float(latency.group(1)) if latency else None}


def profile_worker(master: int, seconds: int, out: Path) -> dict[str, Any]:
    """py-spy on one gunicorn worker while wrk runs; returns a cost breakdown."""
    def cpu_seconds(pid: int) -> int:
        out = subprocess.run(["ps", "-o", "cputimes=", "-p", str(pid)], capture_output=True,
                             text=True, check=False).stdout.strip()
        return int(out or 0)

    pid = max(worker_pids(master), key=cpu_seconds)  # the busiest worker
    subprocess.run([str(VENV_BIN / "py-spy"), "record", "-p", str(pid), "-d", str(seconds),
                    "-r", "200", "--format", "raw", "-o", str(out), "--nonblocking", "--gil"],
                   check=True, capture_output=True, timeout=seconds + 60)
    return breakdown(out)


# (label, substring of a frame) — the first match from the leaf upwards wins.
CATEGORIES = [
    ("database driver (psycopg/sqlite3, incl. waits holding the GIL)",
     ("psycopg/", "sqlite3", "pysqlite")),
    ("SQLAlchemy (compile, execute, results)", ("sqlalchemy/",)),
    ("ledger post (Python)", ("wallet/ledger/",)),
    ("credits + purchase logic", ("wallet/credits/", "wallet/purchases/",
                                  "wallet/webhooks/")),
    ("auth (token verify/lookup)", ("wallet/web/auth.py", "wallet/oauth/")),
    ("marshmallow/webargs (parse + dump)", ("marshmallow/", "webargs/", "flask_smorest/")),
    ("JSON", ("json/",)),
    ("Flask/Werkzeug request handling", ("flask/", "werkzeug/", "flask_sqlalchemy/")),
    ("gunicorn/granian (HTTP parse, socket)", ("gunicorn/", "granian/")),
]


PROJECT_FRAME = re.compile(r"^(\S+) \(((?:/\S*/)?(?:wallet|vouchers)/[^:]+):\d+\)$")


def breakdown(raw: Path) -> dict[str, Any]:
    """Shares of GIL-holding samples by library (leaf-most match) and by project frame."""
    by_library: collections.Counter[str] = collections.Counter()
    by_frame: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        samples += n
        label = "other"
        for frame in reversed(frames):
            hit = next((name for name, keys in CATEGORIES if any(k in frame for k in keys)),
                       None)
            if hit:
                label = hit
                break
        by_library[label] += n
        owner = "framework (Flask/Werkzeug/gunicorn)"
        for frame in reversed(frames):
            match = PROJECT_FRAME.match(frame)
            if match:
                owner = f"{match.group(1)} ({match.group(2).split('/main/')[-1]})"
                break
        by_frame[owner] += n
    share = {k: round(v / samples, 3) for k, v in by_library.most_common()}
    frames_share = {k: round(v / samples, 3) for k, v in by_frame.most_common(12)}
    return {"samples": samples, "share": share, "by_project_frame": frames_share}


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"wallet-bench-{engine}-"))
    env = {"WALLET_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
           "WALLET_LEDGER_SIGNING_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode()}
    dbname = None
    if engine == "postgresql":
        dbname = create_pg_database("wallet_bench")
        url = pg_url(dbname)
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    process = None
    try:
        seeded = seed(url, args.users, workdir, env)
        script = workdir / "purchases.lua"
        quoted = ", ".join(f'"{t}"' for t in seeded["tokens"])
        script.write_text(LUA % {"tokens": quoted, "run": uuid.uuid4().hex[:8],
                                 "amount": AMOUNT})
        port = free_port()
        process = start_server(args.server, url, port, args.workers, args.threads, env,
                               workdir / "server.log")
        run_wrk(port, script, args.connections, args.wrk_threads, args.warmup)
        result: dict[str, Any] = {"engine": engine}
        meter = CpuMeter(process.pid, dbname)
        result["wrk"] = run_wrk(port, script, args.connections, args.wrk_threads,
                                args.duration)
        result["cpu_per_purchase"] = meter.per_request(result["wrk"]["requests"])
        if args.profile:
            import threading

            box: dict[str, Any] = {}
            load = threading.Thread(target=lambda: box.update(run_wrk(
                port, script, args.connections, args.wrk_threads, args.profile + 4)))
            load.start()
            time.sleep(1)
            result["profile"] = profile_worker(process.pid, args.profile,
                                               workdir / "profile.raw")
            load.join()
            result["profile"]["raw"] = str(workdir / "profile.raw")
        stop(process)
        process = None
        if args.baseline_python:
            # the same server with the hot path off, in the same run: the Python purchase
            port = free_port()
            process = start_server(args.server, url, port, args.workers, args.threads,
                                   {**env, "WALLET_PURCHASE_HOT_PATH": "false"},
                                   workdir / "server-python.log")
            run_wrk(port, script, args.connections, args.wrk_threads, args.warmup)
            meter = CpuMeter(process.pid, dbname)
            result["python_path"] = {"wrk": run_wrk(port, script, args.connections,
                                                    args.wrk_threads, args.duration)}
            result["python_path"]["cpu_per_purchase"] = meter.per_request(
                result["python_path"]["wrk"]["requests"])
            result["ratio_vs_python_path"] = round(
                result["wrk"]["rps"] / result["python_path"]["wrk"]["rps"], 2)
            stop(process)
            process = None
        if engine == "postgresql" and not args.no_pgbench:
            result["pgbench"] = run_pgbench(args.connections, args.wrk_threads, args.duration)
            result["ratio_vs_pgbench"] = round(result["wrk"]["rps"] / result["pgbench"]["tps"],
                                               3)
        check = ledger_check(seeded["app"], seeded["merchant_id"])
        result["ledger"] = {**check, "consistent": check["merchant_pending"]
                            == check["purchases"] * AMOUNT}
        result["load_average"] = os.getloadavg()
        return result
    finally:
        if process is not None:
            stop(process)
        if dbname:
            drop_pg_database(dbname)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--duration", type=int, default=20, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per worker (gthread, granian)")
    parser.add_argument("--server", choices=["gthread", "sync", "granian", "flask"],
                        default="gthread")
    parser.add_argument("--profile", type=int, default=0,
                        help="seconds of py-spy on one worker (extra wrk run)")
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument("--baseline-python", action="store_true",
                        help="also measure the same server with the hot path off "
                             "(WALLET_PURCHASE_HOT_PATH=false), for a same-run ratio")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install -y wrk)")
    engines = ["postgresql", "sqlite"] if args.engine == "both" else [args.engine]
    for engine in engines:
        result = bench_engine(engine, args)
        result["config"] = {k: v for k, v in vars(args).items() if k != "engine"}
        result["cpus"] = os.cpu_count()
        print(json.dumps(result, default=str))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
