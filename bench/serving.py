"""The scale deployment as a benchmark runs it: `tools/serve.sh` on a free port in its own process group,
stopped whatever happens, and the CPU time its processes and PostgreSQL's backends spend."""
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str  # http://127.0.0.1:<port>
    pgid: int  # serve.sh's process group: the shell, gunicorn's master and workers, the scheduler


@contextmanager
def serving(url, workers, log_path):
    """Run tools/serve.sh on a free port; yield the Server; stop gunicorn and the scheduler on the way out."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "WORKERS": str(workers), "HOST": "127.0.0.1", "PORT": str(port),
           "BIN": str(Path(sys.executable).parent), "SECRET_KEY": secrets.token_hex(16)}
    env.pop("QSFLOW_EMBEDDED_SCHEDULER", None)
    with open(log_path, "ab") as log:
        # Its own process group: the shell, gunicorn's master and workers and the scheduler stop together.
        proc = subprocess.Popen(["sh", "tools/serve.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        server = Server(f"http://127.0.0.1:{port}", proc.pid)
        _wait_until_up(server.base, proc, log_path)
        yield server
    finally:
        _stop(proc)


def _wait_until_up(base, proc, log_path, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve.sh 已退出（{proc.returncode}）：{Path(log_path).read_text()[-2000:]}")
        with suppress(OSError), urllib.request.urlopen(base + "/login", timeout=5) as resp:
            if resp.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"服务 {timeout} 秒内未就绪：{Path(log_path).read_text()[-2000:]}")


def _stop(proc, grace=40):
    """SIGTERM to the group (gunicorn finishes its requests), SIGKILL whatever is left after `grace` s."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        proc.poll()
        time.sleep(0.2)
    else:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def group_pids(pgid):
    """The live processes of a process group (from /proc)."""
    pids = []
    for proc in Path("/proc").iterdir():
        with suppress(OSError, ValueError, IndexError):
            # Field 5 of stat is the group; the command name before it may hold spaces, hence the split at ")".
            if proc.name.isdigit() and int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                pids.append(int(proc.name))
    return pids


def command_line(pid):
    """A process's command line ("" once it has ended)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def cpu_seconds(pids):
    """User plus system CPU seconds of each live process so far: {pid: s}."""
    out = {}
    for pid in pids:
        with suppress(OSError, IndexError):
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return out


def cpu_spent(before, after):
    """CPU seconds between two cpu_seconds() snapshots (a process started meanwhile counts whole)."""
    return sum(s - before.get(pid, 0.0) for pid, s in after.items())
