"""Deploying one process while 0, 35 and 70 other definitions are deployed (issue 13, point 5).

Each deploy used to parse every deployed definition again as context for call activities (0.07 s at
first, about 1 s after 70); it now reads only the processes its call activities reach, so the time
should stay flat. SQLite in a temporary directory, the library's processes deployed first.
"""
import statistics
import tempfile
import time

from bench.engine import _prepare

MARKS = (0, 35, 70)
REPEATS = 9


def _process(key):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_{key}"
    targetNamespace="http://qsflow.example/bench">
  <bpmn:process id="{key}" name="基准部署{key}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:scriptTask id="work" name="办理"><bpmn:script>done = True</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def run() -> dict:
    """Median seconds of one deploy at each mark of already deployed definitions."""
    from app.db import db, unit_of_work
    from app.engine.deploy import deploy_files
    from app.engine.models import ProcessDefinition

    with tempfile.TemporaryDirectory() as tmp:
        app = _prepare(f"sqlite:///{tmp}/deploy.db")
        out, made = {}, 0
        with app.app_context():
            for mark in MARKS:
                while made < mark:
                    with unit_of_work():
                        deploy_files({f"filler_{made}.bpmn": _process(f"filler_{made}")})
                    made += 1
                times = []
                for n in range(REPEATS):
                    key = f"probe_{mark}_{n}"
                    started = time.perf_counter()
                    with unit_of_work():
                        deploy_files({f"{key}.bpmn": _process(key)})
                    times.append(time.perf_counter() - started)
                    db.remove()
                with app.app_context():
                    deployed = db.query(ProcessDefinition).count()
                out[str(mark)] = {"definitions_deployed": deployed, "median_s": round(statistics.median(times), 4)}
        app.extensions["db_engine"].dispose()
    first, last = out[str(MARKS[0])]["median_s"], out[str(MARKS[-1])]["median_s"]
    return {"backend": "sqlite", "after_fillers": out, "ratio_last_to_first": round(last / first, 2) if first else None}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
