"""The docker-compose services, natively on this machine (``make prod-smoke``, ``make soak``).

The same commands as the compose file runs — ``migrate``, gunicorn, ``db_worker``,
``run_scheduler`` — with the production settings (DEBUG off; plain HTTP on loopback), next to a
Redis and an SMTP sink of their own on 127.0.0.1 (:class:`SmtpSink`, aiosmtpd). Each service
can be killed (SIGKILL, as a crash), started again, or stopped; :meth:`Stack.stop` ends
everything it started and nothing else.
"""

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent

#: The production settings, plain HTTP on loopback (the compose file's environment otherwise).
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "smk.settings",
    "DEBUG": "0",
    "SECRET_KEY": "native-run-only-secret-key-never-used-in-production-0123456789abc",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up within {seconds:.0f} s")


def database_params(url: str) -> dict:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise SystemExit("This runs on PostgreSQL: give a postgres:// DATABASE_URL.")
    if parsed.hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
        raise SystemExit("This uses a database on this machine only.")
    return {
        "host": parsed.hostname or None,
        "port": parsed.port or None,
        "user": urllib.parse.unquote(parsed.username or "") or None,
        "password": urllib.parse.unquote(parsed.password or "") or None,
        "name": parsed.path.lstrip("/"),
    }


def prepare_database(url: str, *, fresh: bool, log) -> bool:
    """Create the database (first dropping it with ``fresh``); True when it is new."""
    import psycopg
    from psycopg import sql

    params = database_params(url)
    name = params.pop("name")
    if fresh and not any(word in name for word in ("soak", "smoke")):
        raise SystemExit(f"a fresh run drops the database: refusing for {name!r}")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            log(f"dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if exists:
            return False
        log(f"creating database {name}")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message; :meth:`pause` closes its port (the
    senders then see a refused connection, as with a mail server that is down)."""

    def __init__(self):
        self.port = free_port()
        self._messages: list[bytes] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self._messages.append(envelope.original_content or envelope.content)
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def pause(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    resume = start
    stop = pause

    def messages(self) -> list[email.message.EmailMessage]:
        with self._lock:
            raw = list(self._messages)
        return [email.message_from_bytes(m, policy=email.policy.default) for m in raw]


class Service:
    """One process of the stack, in a process group of its own so that a kill takes its
    children too (gunicorn's workers)."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path, ready=None):
        self.name, self.argv, self.env, self.ready = name, argv, env, ready
        self.log_path = log_dir / f"{name}.log"
        self.process = None

    def start(self):
        log = self.log_path.open("a")
        self.process = subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
            self.argv,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        if self.ready:
            wait_for(lambda: self._running() and self.ready(), self.name)

    def _running(self) -> bool:
        if self.process.poll() is not None:
            raise SystemExit(f"{self.name} exited; see {self.log_path}")
        return True

    def signal(self, number: int):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, number)

    def kill(self):
        """As a crash: SIGKILL, no time to finish anything."""
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        self.signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Stack:
    """Redis, the SMTP sink, gunicorn, the worker and the scheduler for one database."""

    def __init__(self, database_url: str, run_dir: Path, *, web_workers: int = 2, extra_env=None):
        self.run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        self.sink = SmtpSink()
        self.redis_port, self.web_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **os.environ,
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.port),
            "EMAIL_USE_TLS": "0",
            "MEDIA_ROOT": str(run_dir / "media"),
            # One folder for the soak and prod-smoke: collectstatic runs once for both.
            "STATIC_ROOT": str(BASE_DIR / "var" / "soak-static"),
            **(extra_env or {}),
        }
        python = sys.executable
        bin_dir = Path(python).parent
        manage = [python, "manage.py"]
        self.services = {
            "redis": Service(
                "redis",
                [
                    *(shutil.which("redis-server") or "redis-server",),
                    *("--bind", "127.0.0.1", "--port", str(self.redis_port)),
                    *("--save", "", "--appendonly", "no"),
                ],
                self.env,
                run_dir,
                ready=lambda: redis_answers(self.redis_port),
            ),
            "web": Service(
                "web",
                [
                    *(str(bin_dir / "gunicorn"), "smk.wsgi:application"),
                    *("--bind", f"127.0.0.1:{self.web_port}", "--workers", str(web_workers)),
                    *("--timeout", "120", "--log-level", "warning"),
                ],
                self.env,
                run_dir,
                ready=lambda: answers(self.base + "/healthz"),
            ),
            "worker": Service(
                "worker", [*manage, "db_worker", "--interval", "0.5"], self.env, run_dir
            ),
        }
        if (BASE_DIR / "operations" / "management" / "commands" / "run_scheduler.py").exists():
            self.services["scheduler"] = Service(
                "scheduler", [*manage, "run_scheduler"], self.env, run_dir
            )

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if check and done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done

    def prepare(self, *, seed: bool):
        """What the compose file's ``migrate`` service does, then the demo data."""
        self.manage("migrate", "--noinput", "-v0")
        if seed:
            self.manage("seed_demo")
        if self.static_files_outdated():
            self.manage("collectstatic", "--noinput", "-v0")

    def static_files_outdated(self) -> bool:
        """collectstatic (slow: it compresses every file) only when a static file changed."""
        manifest = Path(self.env["STATIC_ROOT"]) / "staticfiles.json"
        if not manifest.exists():
            return True
        sources = [BASE_DIR / "uv.lock", *(BASE_DIR / "static").rglob("*")]
        return any(p.stat().st_mtime > manifest.stat().st_mtime for p in sources if p.is_file())

    def start(self):
        self.sink.start()
        for service in self.services.values():
            service.start()

    def stop(self):
        for service in reversed(self.services.values()):
            service.stop()
        self.sink.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
