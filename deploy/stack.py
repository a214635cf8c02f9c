"""Veille for many users on one machine: N Streamlit replicas on one store behind nginx.

    python deploy/stack.py --replicas 3 --port 8080            # start, until Ctrl-C / SIGTERM
    python deploy/stack.py --replicas 3 -- --secrets.files /etc/veille/secrets.toml
    python deploy/stack.py --replicas 3 --write-nginx-conf /etc/nginx/conf.d/veille.conf

What it does, in order:

1. prepares the store once (``VEILLE_DATABASE_URL``, PostgreSQL for several replicas): the
   migrations (under PostgreSQL's advisory lock, so replicas started by systemd at the same
   moment are safe too) and, for a new store, the demonstration data;
2. starts the replicas on 127.0.0.1 and consecutive ports (``streamlit run dashboard.py``,
   each with ``VEILLE_DB_POOL_SIZE`` connections at most — keep replicas × 2 × pool size
   under PostgreSQL's ``max_connections``, 100 by default);
3. renders ``deploy/nginx.conf.template`` (sticky sessions by cookie, WebSocket upgrade,
   Leaflet and Streamlit's bundle served by nginx) into a run folder and starts Debian's
   nginx on it, in the foreground;
4. supervises: every ``--check-every`` seconds it asks each replica's ``/_stcore/health``
   (open-source nginx has no active health checks) and restarts a replica that failed three
   checks in a row; when nginx dies it stops everything and exits 1.

SIGTERM or Ctrl-C stops nginx and every replica, and the run folder's pid file is removed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def nginx_conf(ports: list[int], listen: str, run_dir: Path, *, server_name: str = "_",
               access_log: str = "off") -> str:
    """The nginx configuration of the stack (:data:`TEMPLATE` filled in)."""
    import streamlit

    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;"
                        for p in ports)
    user_line = "user nobody nogroup;" if os.geteuid() == 0 else "# user: this account"
    fields = dict(user_line=user_line, run_dir=run_dir, mime_types="/etc/nginx/mime.types",
                  access_log=access_log, servers=servers, listen=listen,
                  server_name=server_name, app_static=ROOT / "static",
                  streamlit_static=Path(streamlit.__file__).resolve().parent / "static")
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():          # ${name}; nginx's own $variables stay
        text = text.replace("${" + name + "}", str(value))
    return text


def prepare_store(url: str) -> None:
    """Migrations and, for a new store, the demonstration data: once, before the replicas."""
    sys.path.insert(0, str(ROOT))
    from geo.ingest import demo
    from geo.records import store
    from geo.settings import Settings

    config = Settings.from_environment(environ={**os.environ, "VEILLE_DATABASE_URL": url})
    engine = store.make_engine(url)
    demo.ensure_initialised(engine, config.demo)
    engine.dispose()


@dataclass
class Replica:
    port: int
    env: dict
    log: Path
    args: tuple = ()                         # further options of ``streamlit run``
    proc: subprocess.Popen | None = None
    failures: int = 0
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        out = open(self.log, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             *self.args],
            cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.failures = 0

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Stack:
    replicas: list[Replica]
    run_dir: Path
    listen: str
    nginx: subprocess.Popen | None = None
    stopping: bool = field(default=False)

    def start(self, timeout: float) -> None:
        for r in self.replicas:
            r.start()
        deadline = time.monotonic() + timeout
        for r in self.replicas:
            while not healthy(r.url):
                if r.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"replica {r.port} did not start: see {r.log}")
                time.sleep(0.3)
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / sub).mkdir(exist_ok=True)
            if os.geteuid() == 0:            # nginx's workers run as nobody
                os.chown(self.run_dir / sub, 65534, 65534)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_conf([r.port for r in self.replicas], self.listen,
                                   self.run_dir), encoding="utf-8")
        self.nginx = subprocess.Popen(["nginx", "-p", str(self.run_dir), "-c", str(conf),
                                       "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        url = f"http://{self.listen if ':' in self.listen else '127.0.0.1:' + self.listen}"
        while not healthy(url):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: see {self.run_dir / 'error.log'}")
            time.sleep(0.2)

    def supervise(self, every: float) -> int:
        while not self.stopping:
            time.sleep(every)
            if self.stopping:
                break
            if self.nginx.poll() is not None:
                print("nginx stopped: stopping the stack", file=sys.stderr, flush=True)
                return 1
            for r in self.replicas:
                if healthy(r.url):
                    r.failures = 0
                    continue
                r.failures += 1
                if r.failures >= 3 or r.proc.poll() is not None:
                    print(f"replica {r.port} unhealthy: restarting", file=sys.stderr,
                          flush=True)
                    r.stop()
                    r.start()
                    r.restarts += 1
        return 0

    def stop(self) -> None:
        self.stopping = True
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)        # graceful: finish open requests
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for r in self.replicas:
            r.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python deploy/stack.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", default="8080", help="nginx's listen (port or addr:port)")
    parser.add_argument("--first-port", type=int, default=8601,
                        help="the replicas' ports: this one and the next ones")
    parser.add_argument("--database-url", default=os.environ.get("VEILLE_DATABASE_URL"),
                        help="the store (default: VEILLE_DATABASE_URL)")
    parser.add_argument("--pool-size", type=int, default=5,
                        help="database connections per replica (and as many in overflow)")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="nginx's configuration, pid and logs (default: a new temp dir)")
    parser.add_argument("--check-every", type=float, default=5.0)
    parser.add_argument("--write-nginx-conf", type=Path, default=None,
                        help="only write the nginx configuration for these replicas")
    parser.add_argument("streamlit_args", nargs="*",
                        help="after --: options for every replica's streamlit run "
                             "(e.g. --secrets.files FILE with sign-in)")
    args = parser.parse_args(argv)
    ports = [args.first_port + i for i in range(args.replicas)]
    run_dir = (args.run_dir or Path(tempfile.mkdtemp(prefix="veille-stack-"))).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    if args.write_nginx_conf:
        args.write_nginx_conf.write_text(nginx_conf(ports, args.port, run_dir,
                                                    access_log="/var/log/nginx/veille.log"),
                                         encoding="utf-8")
        return 0
    if not args.database_url:
        parser.error("no store: set VEILLE_DATABASE_URL or --database-url "
                     "(PostgreSQL for several replicas)")
    if args.replicas > 1 and args.database_url.startswith("sqlite"):
        print("warning: several replicas on one SQLite file serialise every write; use "
              "PostgreSQL", file=sys.stderr)
    prepare_store(args.database_url)
    env = {**os.environ, "VEILLE_DATABASE_URL": args.database_url,
           "VEILLE_DB_POOL_SIZE": str(args.pool_size)}
    stack = Stack([Replica(p, env, run_dir / f"replica-{p}.log", tuple(args.streamlit_args))
                   for p in ports], run_dir, args.port)

    def on_signal(_sig, _frame):
        stack.stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        stack.start(timeout=120)
        print(f"Veille: http://127.0.0.1:{args.port.split(':')[-1]} — {args.replicas} "
              f"replicas on ports {ports[0]}–{ports[-1]}; logs in {run_dir}", flush=True)
        code = stack.supervise(args.check_every)
    finally:
        stack.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
