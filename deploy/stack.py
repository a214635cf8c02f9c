"""Veille for many users on one machine: N Streamlit replicas on one store behind nginx.

    python deploy/stack.py --replicas 3 --port 8080            # 127.0.0.1:8080, until Ctrl-C
    python deploy/stack.py --replicas 3 --port 0.0.0.0:443 --server-name veille.example.org \
        --tls-cert /etc/ssl/veille.pem --tls-key /etc/ssl/private/veille.key \
        -- --secrets.files /etc/veille/secrets.toml           # on the network: sign-in, TLS
    python deploy/stack.py --replicas 3 --write-nginx-conf /etc/nginx/conf.d/veille.conf

What it does, in order:

1. prepares the store once (``VEILLE_DATABASE_URL``, PostgreSQL for several replicas): the
   migrations (under PostgreSQL's advisory lock, so replicas started by systemd at the same
   moment are safe too; as the tables' owner ``VEILLE_DATABASE_OWNER_URL`` when set, whose
   credentials the replicas never receive) and, for a new store, the demonstration data;
2. starts the replicas on 127.0.0.1 and consecutive ports (``streamlit run dashboard.py``,
   each with ``VEILLE_DB_POOL_SIZE`` connections at most — keep replicas × 2 × pool size
   under PostgreSQL's ``max_connections``, 100 by default);
3. renders ``deploy/nginx.conf.template`` (sticky sessions by cookie, WebSocket upgrade,
   Leaflet and Streamlit's bundle served by nginx; hardened: only the server names and the
   app's paths, the gate's security headers, rate and connection limits, timeouts) into a
   run folder and starts Debian's nginx on it, in the foreground;
4. supervises: every ``--check-every`` seconds it asks each replica's ``/_stcore/health``
   (open-source nginx has no active health checks) and restarts a replica that failed three
   checks in a row; when nginx dies it stops everything and exits 1.

Safe by default: nginx listens on 127.0.0.1 (``--port 8080`` is ``127.0.0.1:8080``) and
answers for the loopback names only. Without sign-in (no ``[auth]`` in the replicas'
secrets) the app is one local user with every role, so another address, or a server name
other than localhost, is refused, as the app alone refuses it (:func:`ui.gate.startup_problems`).

SIGTERM or Ctrl-C stops nginx and every replica, and the run folder's pid file is removed.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
sys.path.insert(0, str(ROOT))
from ui import gate  # noqa: E402 - the repository's own package, from this script

#: The names nginx answers for by default: this machine's.
LOOPBACK_SERVER_NAMES = ("localhost", "127.0.0.1")
#: HSTS of the TLS server: one year (browsers then refuse plain HTTP to the name).
HSTS = "max-age=31536000"


def tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` of a log (what an operator reads first when something did not start)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(unreadable: {exc.strerror})"
    return "\n".join("    " + line for line in text.splitlines()[-lines:]) or "    (empty)"


def healthy(url: str, timeout: float = 2.0, host: str | None = None) -> bool:
    """Whether ``url``'s ``/_stcore/health`` answers 200 (asked with ``Host: host``; over
    HTTPS the certificate is not checked: this is the stack asking its own nginx)."""
    request = urllib.request.Request(f"{url}/_stcore/health",
                                     headers={"Host": host} if host else {})
    context = ssl._create_unverified_context() if url.startswith("https") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as r:
            return r.status == 200
    except OSError:
        return False


def listen_address(port: str) -> str:
    """nginx's ``listen`` for ``--port``: a bare port is on 127.0.0.1."""
    return port if ":" in port else f"127.0.0.1:{port}"


def screens() -> list[str]:
    """The app's screens (:data:`ui.SCREENS`, which the navigation reads too): the page
    addresses nginx lets through."""
    from ui.page import SCREENS

    return list(SCREENS)


def sign_in_section(streamlit_args: Sequence[str]) -> Mapping | None:
    """The ``[auth]`` section of the replicas' secrets: the files given by
    ``--secrets.files`` among ``streamlit_args``, else Streamlit's default places."""
    files = [value for i, arg in enumerate(streamlit_args)
             for value in ([streamlit_args[i + 1]] if arg == "--secrets.files"
                           and i + 1 < len(streamlit_args) else
                           [arg.split("=", 1)[1]] if arg.startswith("--secrets.files=")
                           else [])]
    paths = [Path(f) for value in files for f in value.split(",")] or [
        Path.home() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml"]
    for path in paths:
        if path.is_file():
            auth = tomllib.loads(path.read_text(encoding="utf-8")).get("auth")
            if auth:
                return auth
    return None


def problems(listen: str, server_names: Sequence[str], auth: Mapping | None) -> list[str]:
    """Why the stack must not start (empty: it may): the app's own bind rule
    (:func:`ui.gate.startup_problems`) for nginx's address and server names."""
    address = listen.rsplit(":", 1)[0] if ":" in listen else "127.0.0.1"
    return gate.startup_problems(address, list(server_names), auth)


def _indented(lines: Sequence[str], depth: int = 12) -> str:
    return "\n".join(" " * depth + line for line in lines)


def route_lines(replicas: Sequence[str]) -> list[str]:
    """nginx's routing to the ``replicas`` (``address:port`` each): the group ``veille``
    (round robin, its state shared by the workers) for a browser without a route; per
    replica ``rN``, a group of that replica with the others as backups; the cookie's route to
    its group (``$veille_upstream``) and the route of the replica that answered
    (``$veille_served``, the cookie sent back)."""
    def server(address: str, backup: bool = False) -> str:
        return f"    server {address} max_fails=2 fail_timeout=10s{' backup' if backup else ''};"

    lines = ["upstream veille {", "    zone veille 64k;", *(server(a) for a in replicas), "}"]
    for i, address in enumerate(replicas):
        lines += [f"upstream veille_r{i} {{", server(address),
                  *(server(a, backup=True) for a in replicas if a != address), "}"]
    lines += ["map $cookie_veille_route $veille_upstream {", "    default veille;",
              *(f"    r{i} veille_r{i};" for i in range(len(replicas))), "}",
              # the last address tried is the one that answered
              "map $upstream_addr $veille_served {", '    default "";',
              *(f"    ~{re.escape(a)}$ r{i};" for i, a in enumerate(replicas)), "}"]
    return lines


def replica_address(text: str) -> str:
    """``HOST:PORT`` of a replica on another machine (``--replica``), checked."""
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 \
            or not re.fullmatch(r"[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]", host):
        raise argparse.ArgumentTypeError(f"not HOST:PORT: {text!r}")
    return f"{host}:{int(port)}"


def _headers(component: bool, tls: bool) -> list[str]:
    """``add_header`` lines: the gate's security headers (:func:`ui.gate.security_headers`,
    with the hashes of Streamlit's page's inline scripts), HSTS with TLS."""
    from ui.server import page_inline_scripts

    headers = gate.security_headers("/component/" if component else "/", "",
                                    page_inline_scripts())
    if tls:
        headers.append(("Strict-Transport-Security", HSTS))
    return [f'add_header {name} "{value}" always;' for name, value in headers]


def nginx_conf(replicas: Sequence[str], listen: str, run_dir: Path, *,
               server_names: Sequence[str] = LOOPBACK_SERVER_NAMES, access_log: str = "off",
               tls: tuple[Path, Path] | None = None) -> str:
    """The nginx configuration of the stack (:data:`TEMPLATE` filled in): ``listen`` (an
    address:port), the ``server_names`` it answers for, HTTPS with ``tls`` (certificate and
    key files)."""
    import streamlit

    routes = _indented(route_lines(replicas), 4)
    user_line = "user nobody nogroup;" if os.geteuid() == 0 else "# user: this account"
    secure = "; Secure" if tls else ""
    # the replica that answered, for the browser's next requests (its WebSocket's answer
    # too: a browser moved to another replica by a restart stays with its new session)
    route_cookie = (f'add_header Set-Cookie "veille_route=$veille_served; Path=/; HttpOnly; '
                    f'SameSite=Lax{secure}" always;')
    proxy = ["proxy_pass http://$veille_upstream;", "proxy_http_version 1.1;",
             "proxy_set_header Host $host;",
             "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
             "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_buffering off;",
             # the replicas' gate sends the same headers: nginx's replace them, once
             *(f"proxy_hide_header {name};" for name, _ in gate.security_headers("/")),
             route_cookie]
    tls_lines = [f"ssl_certificate {tls[0]};", f"ssl_certificate_key {tls[1]};",
                 "ssl_protocols TLSv1.2 TLSv1.3;", "ssl_prefer_server_ciphers off;",
                 "ssl_session_cache shared:veille_tls:10m;", "ssl_session_timeout 1d;",
                 "ssl_session_tickets off;"] if tls else \
        ["# plain HTTP: on this machine only, or behind a TLS proxy (README, TLS)"]
    fields = dict(user_line=user_line, run_dir=run_dir, mime_types="/etc/nginx/mime.types",
                  access_log=access_log, routes=routes, route_cookie=route_cookie, listen=listen,
                  ssl=" ssl" if tls else "", tls=_indented(tls_lines, 8),
                  server_names=" ".join(server_names), screens="|".join(screens()),
                  proxy=_indented([*proxy, *_headers(False, bool(tls))]),
                  component_proxy=_indented([*proxy, *_headers(True, bool(tls))]),
                  headers=_indented(_headers(False, bool(tls))),
                  app_static=ROOT / "static",
                  streamlit_static=Path(streamlit.__file__).resolve().parent / "static")
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():          # ${name}; nginx's own $variables stay
        text = text.replace("${" + name + "}", str(value))
    return text


def prepare_run_dir(run_dir: Path) -> None:
    """nginx's temporary directories in ``run_dir`` (writable by its workers, which run as
    nobody when nginx is started by root)."""
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / sub).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            os.chown(run_dir / sub, 65534, 65534)


def prepare_store(url: str) -> None:
    """Migrations (as the tables' owner with ``VEILLE_DATABASE_OWNER_URL``) and, for a new
    store, the demonstration data: once, before the replicas."""
    from geo.ingest import demo
    from geo.records import store
    from geo.settings import Settings

    config = Settings.from_environment(environ={**os.environ, "VEILLE_DATABASE_URL": url})
    engine = store.make_engine(url, owner_url=config.database_owner_url)
    demo.ensure_initialised(engine, config.demo)
    engine.dispose()


def replica_environment(environ: Mapping[str, str], url: str, pool_size: int) -> dict:
    """A replica's environment: ``environ`` with the store's ``url`` and ``pool_size``, and
    without the owner's URL: a replica only adds to the audit log, it never holds the
    credentials that could rewrite it."""
    return {**{k: v for k, v in environ.items() if k != "VEILLE_DATABASE_OWNER_URL"},
            "VEILLE_DATABASE_URL": url, "VEILLE_DB_POOL_SIZE": str(pool_size)}


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
    listen: str                              # nginx's address:port
    server_names: tuple = LOOPBACK_SERVER_NAMES
    tls: tuple[Path, Path] | None = None     # certificate, key
    nginx: subprocess.Popen | None = None
    stopping: bool = field(default=False)

    @property
    def url(self) -> str:
        """Where this machine reaches nginx (a wildcard address: on 127.0.0.1)."""
        address, port = self.listen.rsplit(":", 1)
        if address in ("0.0.0.0", "[::]", "*"):
            address = "127.0.0.1"
        return f"{'https' if self.tls else 'http'}://{address}:{port}"

    def start(self, timeout: float) -> None:
        for r in self.replicas:
            r.start()
        deadline = time.monotonic() + timeout
        for r in self.replicas:
            while not healthy(r.url):
                if r.proc.poll() is not None or time.monotonic() > deadline:
                    why = (f"exited with code {r.proc.returncode}" if r.proc.poll() is not None
                           else f"not answering after {timeout:.0f} s")
                    raise RuntimeError(f"replica {r.port} did not start ({why}); the end of "
                                       f"{r.log}:\n{tail(r.log)}")
                time.sleep(0.3)
        prepare_run_dir(self.run_dir)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_conf([f"127.0.0.1:{r.port}" for r in self.replicas], self.listen,
                                   self.run_dir, server_names=self.server_names,
                                   tls=self.tls), encoding="utf-8")
        self.nginx = subprocess.Popen(["nginx", "-p", str(self.run_dir), "-c", str(conf),
                                       "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        while not healthy(self.url, host=self.server_names[0]):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                error_log = self.run_dir / "error.log"
                raise RuntimeError(f"nginx did not start; the end of {error_log}:\n"
                                   f"{tail(error_log)}")
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
    parser.add_argument("--port", default="8080",
                        help="nginx's listen: a port (on 127.0.0.1) or address:port; another "
                             "address than loopback needs sign-in")
    parser.add_argument("--server-name", action="append", dest="server_names",
                        help="a name nginx answers for (repeat for several; default: "
                             "localhost and 127.0.0.1); other Host headers are closed. "
                             "Given to the replicas as server.allowedHosts")
    parser.add_argument("--tls-cert", type=Path, help="HTTPS: the certificate (chain) file")
    parser.add_argument("--tls-key", type=Path, help="HTTPS: the private key file")
    parser.add_argument("--first-port", type=int, default=8601,
                        help="the replicas' ports: this one and the next ones")
    parser.add_argument("--database-url", default=os.environ.get("VEILLE_DATABASE_URL"),
                        help="the store (default: VEILLE_DATABASE_URL)")
    parser.add_argument("--pool-size", type=int, default=5,
                        help="database connections per replica (and as many in overflow)")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="nginx's configuration, pid and logs (default: a new temp dir)")
    parser.add_argument("--check-every", type=float, default=5.0)
    parser.add_argument("--replica", type=replica_address, action="append",
                        dest="replicas_at", metavar="HOST:PORT",
                        help="with --write-nginx-conf: a replica on another machine (repeat "
                             "for each; instead of this machine's --replicas from "
                             "--first-port)")
    parser.add_argument("--write-nginx-conf", type=Path, default=None,
                        help="only write the nginx configuration for these replicas")
    parser.add_argument("--prepare-only", action="store_true",
                        help="only prepare the store (migrations, as the tables' owner with "
                             "VEILLE_DATABASE_OWNER_URL; the demo of a new store), then exit")
    parser.add_argument("streamlit_args", nargs="*",
                        help="after --: options for every replica's streamlit run "
                             "(e.g. --secrets.files FILE with sign-in)")
    args = parser.parse_args(argv)
    if args.replicas_at and not args.write_nginx_conf:
        parser.error("--replica goes with --write-nginx-conf (the stack runs its replicas "
                     "on this machine)")
    if not args.database_url and not args.write_nginx_conf:
        parser.error("no store: set VEILLE_DATABASE_URL or --database-url "
                     "(PostgreSQL for several replicas)")
    if args.prepare_only:
        prepare_store(args.database_url)
        return 0
    listen = listen_address(args.port)
    names = tuple(args.server_names or LOOPBACK_SERVER_NAMES)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    tls = (args.tls_cert.resolve(), args.tls_key.resolve()) if args.tls_cert else None
    if refused := problems(listen, names, sign_in_section(args.streamlit_args)):
        print("\n".join(refused), file=sys.stderr)
        return 2
    ports = [args.first_port + i for i in range(args.replicas)]
    run_dir = (args.run_dir or Path(tempfile.mkdtemp(prefix="veille-stack-"))).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    if args.write_nginx_conf:
        replicas = args.replicas_at or [f"127.0.0.1:{p}" for p in ports]
        args.write_nginx_conf.write_text(nginx_conf(replicas, listen, run_dir,
                                                    server_names=names, tls=tls,
                                                    access_log="/var/log/nginx/veille.log"),
                                         encoding="utf-8")
        return 0
    if args.replicas > 1 and args.database_url.startswith("sqlite"):
        print("warning: several replicas on one SQLite file serialise every write; use "
              "PostgreSQL", file=sys.stderr)
    prepare_store(args.database_url)
    env = replica_environment(os.environ, args.database_url, args.pool_size)
    # the replicas accept the Host that nginx passes on (one of its server names) and
    # this machine's (the supervisor's health checks: they listen on 127.0.0.1 only)
    hosts = tuple(a for name in dict.fromkeys(names + LOOPBACK_SERVER_NAMES)
                  for a in ("--server.allowedHosts", name))
    stack = Stack([Replica(p, env, run_dir / f"replica-{p}.log",
                           hosts + tuple(args.streamlit_args)) for p in ports],
                  run_dir, listen, names, tls)

    def on_signal(_sig, _frame):
        stack.stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        try:
            stack.start(timeout=120)
        except RuntimeError as exc:
            print(f"Veille: {exc}", file=sys.stderr, flush=True)
            return 1
        print(f"Veille: {stack.url} — {args.replicas} replicas on ports "
              f"{ports[0]}–{ports[-1]}; logs in {run_dir}", flush=True)
        code = stack.supervise(args.check_every)
    finally:
        stack.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
