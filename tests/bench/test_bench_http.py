"""The HTTP bench stays runnable: real gunicorn workers on PostgreSQL, completions checked in the database."""
import os
import socket
import tempfile
from pathlib import Path

import pytest

from bench import http, serving
from bench.pgdb import private_database


def _skip_without_postgresql(figures):
    if "skipped" in figures:
        pytest.skip("PostgreSQL 不可用")


def test_completions_over_http_are_counted_and_verified():
    figures = http.run(completions=2, concurrency=(2,), workers=(1,), contended_rounds=1, warmup=1)
    _skip_without_postgresql(figures)
    measured = figures["by_workers"]["1"]["2"]
    assert measured["completions"] == 2 and measured["errors"] == 0 and measured["conflicts_409"] == 0
    assert set(measured["cpu_ms_per_completion"]) == {"server", "postgresql", "client"}
    assert measured["cpu_ms_per_completion"]["server"] > 0 and measured["cpu_ms_per_completion"]["postgresql"] > 0
    assert measured["per_second"] > 0 and measured["p95_ms"] >= measured["p50_ms"] >= measured["post_p50_ms"] > 0
    raced = figures["by_workers"]["1"]["contended"]
    # Of 4 browsers posting one task at once one completes it, each other one is refused.
    assert raced["completions"] == 1 and raced["conflicts_409"] + raced["refused_400"] == 3
    # The warm-up's one, the measured two and the raced one: each found completed and audited once.
    assert figures["verified_completions"] == 1 + 2 + 1


def test_server_and_scheduler_stop_when_the_bench_fails():
    with private_database() as url, tempfile.TemporaryDirectory() as tmp:
        _skip_without_postgresql({"skipped": True} if url is None else {})
        log = Path(tmp) / "serve.log"
        with pytest.raises(RuntimeError, match="halfway"), serving.serving(url, 1, log) as server:
            assert http.Browser(server.base).request("/login")[0] == 200
            commands = [serving.command_line(pid) for pid in serving.group_pids(server.pgid)]
            # One scheduler process beside gunicorn's master and its one worker.
            assert sum("scheduler run" in c for c in commands) == 1, commands
            assert sum("gunicorn" in c for c in commands) == 2, commands
            raise RuntimeError("halfway")
        with pytest.raises(ProcessLookupError):
            os.killpg(server.pgid, 0)  # no process of the group is left: gunicorn, its worker, the scheduler
        port = int(server.base.rsplit(":", 1)[1])
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
