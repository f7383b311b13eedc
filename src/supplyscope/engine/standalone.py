"""A Spark standalone cluster on this machine: one master and N workers, each its own process.

For tests and benchmarks that must not share the driver's disk assumptions: every worker has its own
``SPARK_LOCAL_DIRS`` and work directory. CI starts the same layout from ``.ci/run`` (in bash); this is the
Python equivalent, for a developer machine. Processes are stopped by the PIDs started here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from supplyscope.errors import ConfigError


def spark_home() -> Path:
    """``$SPARK_HOME``, else the directory of the installed PySpark (which ships the launch scripts)."""
    env = os.environ.get("SPARK_HOME")
    if env:
        return Path(env)
    import pyspark

    return Path(pyspark.__file__).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class StandaloneCluster:
    """``with StandaloneCluster(root, workers=2) as url:`` gives ``spark://127.0.0.1:PORT``.

    ``pin=True`` binds worker k (and what it starts: its executor JVM and their Python workers) to CPU
    ``(k - 1) mod n`` with ``sched_setaffinity``, so that a worker of ``cores=1`` really has one core, as on
    a cluster of one-core machines; unpinned, one worker's JVM (GC, JIT) and Python workers spread over all
    the machine's cores. The master and the driver are not pinned.
    """

    def __init__(self, root: Path, workers: int = 2, cores: int = 1, memory: str = "1g", *, pin: bool = False) -> None:
        self.root = root
        self.workers = workers
        self.cores = cores
        self.memory = memory
        self.pin = pin
        self.procs: list[subprocess.Popen[bytes]] = []
        self.url = ""

    def _launch(self, name: str, args: list[str], env: dict[str, str], cpus: set[int] | None = None) -> Path:
        log = self.root / f"{name}.log"
        with log.open("wb") as fh:
            cmd = [str(spark_home() / "bin" / "spark-class"), *args]
            pin = None if cpus is None else lambda: os.sched_setaffinity(0, cpus)
            self.procs.append(subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, preexec_fn=pin))
        return log

    def _cpus(self, k: int) -> set[int] | None:
        """The CPUs of worker ``k`` (1-based) when pinned: ``cores`` of them, round-robin over this machine's."""
        if not self.pin:
            return None
        mine = sorted(os.sched_getaffinity(0))
        return {mine[((k - 1) * self.cores + i) % len(mine)] for i in range(self.cores)}

    def start(self, timeout: float = 180.0) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        env = {**os.environ, "SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": "127.0.0.1"}
        args = ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port)]
        master_log = self._launch("master", [*args, "--webui-port", str(_free_port())], env)
        self.url = f"spark://127.0.0.1:{port}"
        logs = []
        for k in range(1, self.workers + 1):
            local, work = self.root / f"worker{k}" / "local", self.root / f"worker{k}" / "work"
            local.mkdir(parents=True, exist_ok=True)
            work.mkdir(parents=True, exist_ok=True)
            args = ["org.apache.spark.deploy.worker.Worker", self.url, "--host", "127.0.0.1"]
            args += ["--cores", str(self.cores), "--memory", self.memory, "--work-dir", str(work)]
            args += ["--webui-port", str(_free_port())]
            logs.append(self._launch(f"worker{k}", args, {**env, "SPARK_LOCAL_DIRS": str(local)}, self._cpus(k)))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = "ALIVE" in master_log.read_text(errors="replace") and all(
                "Successfully registered with master" in log.read_text(errors="replace") for log in logs
            )
            if ready:
                return self.url
            if any(p.poll() is not None for p in self.procs):
                break
            time.sleep(0.5)
        self.stop()
        raise ConfigError(f"the standalone Spark cluster did not start; see the logs in {self.root}", key="spark")

    def stop(self) -> None:
        """Stop the processes started here, by PID (workers first, then the master)."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
