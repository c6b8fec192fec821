"""`make bench`: run every benchmark and merge the figures into bench/results.json."""
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def _scale(results):
    from bench import scale

    fresh = scale.run()
    if scale.ONLY and "pages_ms" in results.get("scale", {}) and "pages_ms" in fresh:
        # Only some pages measured again (BENCH_SCALE_PAGES): keep the others' figures.
        fresh["pages_ms"] = {**results["scale"]["pages_ms"], **fresh["pages_ms"]}
        fresh["meets_limits"] = all(k in fresh["pages_ms"] and fresh["pages_ms"][k]["p95"] <= v
                                    for k, v in scale.LIMITS_MS.items())
    results["scale"] = fresh
    print(json.dumps(results["scale"], ensure_ascii=False, indent=1))


def _http(results):
    from bench import http

    fresh = http.run()
    if "skipped" not in fresh or "http" not in results:  # no PostgreSQL: the last figures stay
        results["http"] = fresh
    print(json.dumps(results["http"], ensure_ascii=False, indent=1))


def _deploy(results):
    from bench import deploy

    results["deploy"] = deploy.run()
    print(json.dumps(results["deploy"], ensure_ascii=False, indent=1))


def cpu_reference_ms() -> float:
    """Median time of a fixed pure-Python workload (JSON, sorting, arithmetic): figures from runs whose
    reference differs were taken on a faster or slower machine, and compare only as ratios."""
    import statistics
    import time

    payload = {f"k{i}": [i, str(i) * 3, {"x": i * 1.5, "y": [i] * 5}] for i in range(3000)}
    times = []
    for _ in range(9):
        started = time.perf_counter()
        json.loads(json.dumps(payload))
        sorted(payload.items(), key=lambda kv: kv[1][1])
        sum(i * i for i in range(200_000))
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def _reference(results, part):
    results["machine"]["cpu_reference_ms"][part] = cpu_reference_ms()


def _timed(results, part, run):
    _reference(results, part)
    run(results)


def main(parts=()):
    """Run the named parts (all when none): engine, timers, supervision, deploy, scale, http."""
    from bench import engine

    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                          "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                          "load_average": [round(x, 2) for x in __import__("os").getloadavg()],
                          # Taken before each part: a shared virtual machine's speed changes within a run.
                          "cpu_reference_ms": {}}
    if parts in (("scale",), ("http",), ("deploy",)):
        _timed(results, parts[0], {"scale": _scale, "http": _http, "deploy": _deploy}[parts[0]])
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
        print(f"结果已写入 {RESULTS}")
        return
    _reference(results, "engine")
    results["engine"] = engine.run()
    print(json.dumps(results["engine"], ensure_ascii=False, indent=1))
    try:
        from bench import timers
    except ImportError:
        timers = None
    if timers is not None:
        results["timer_lateness"] = timers.run()
        print(json.dumps(results["timer_lateness"], ensure_ascii=False, indent=1))
    try:
        from bench import supervision
    except ImportError:
        supervision = None
    if supervision is not None:
        results["supervision_pages"] = supervision.run()
        print(json.dumps(results["supervision_pages"], ensure_ascii=False, indent=1))
    _timed(results, "deploy", _deploy)
    _timed(results, "scale", _scale)
    _timed(results, "http", _http)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(f"结果已写入 {RESULTS}")


if __name__ == "__main__":
    import sys

    main(tuple(sys.argv[1:]))
