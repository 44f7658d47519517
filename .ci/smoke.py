#!/usr/bin/env python3
"""Production smoke test: Newsdesk as the README's "Production" section deploys it, then broken on purpose.

A fresh virtualenv from requirements.txt alone; a throwaway PostgreSQL database, migrated by
its owner, served by a least-privileged role; the Procfile's web (gunicorn, 2 workers, DEBUG
off, the documented production environment), worker and beat on a broker of their own. Over
HTTP: an editor publishes, a reader suggests with an e-mail, the editor accepts, a reader
comments with an e-mail and another replies; every e-mail must arrive exactly once. Admin
pages and their static files must load. Then the faults: Redis killed while readers post,
the worker killed with SIGKILL mid-queue, the web server killed mid-request.

    python3 .ci/smoke.py [--broker redis|rabbitmq] [--keep]

Standard library only; every wait is bounded; any failure exits non-zero.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
DESK = "desk@news.example"
EDITOR_PASSWORD = secrets.token_urlsafe(16)
TIME_LIMIT = 600  # seconds for one broker's whole run


def log(message: str) -> None:
    print(f"[smoke {time.strftime('%H:%M:%S')}] {message}", flush=True)


class SmokeFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 60) -> float:
    """Poll until ``predicate`` holds; return the seconds it took, or fail naming what never happened."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if predicate():
                return time.monotonic() - started
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")


def run(command: list[str], env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise SmokeFailure(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def production_env() -> dict[str, str]:
    """deploy/production.env, exactly as the README tells an operator to write it."""
    env: dict[str, str] = {}
    for line in (ROOT / "deploy" / "production.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    return env


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


class Process:
    """One Procfile entry, started in its own process group so that it can be killed whole."""

    def __init__(self, name: str, command: str, env: dict[str, str], logs: Path) -> None:
        self.name, self.command, self.env, self.logs = name, command, env, logs
        self.popen: subprocess.Popen[bytes] | None = None
        self.generation = 0

    def start(self) -> None:
        self.generation += 1
        out = (self.logs / f"{self.name}.{self.generation}.log").open("wb")
        self.popen = subprocess.Popen(
            ["bash", "-c", f"exec {self.command}"],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def send(self, sig: int) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if not self.popen:
            return
        try:
            self.send(sig)
            self.popen.wait(20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            self.send(signal.SIGKILL)
            self.popen.wait(10)
        # Children of a killed gunicorn or celery may outlive their parent for a moment.
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen = None

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.logs.glob(f"{self.name}.*.log")))


class Client:
    """HTTP through the TLS-terminating proxy production runs behind (it sets X-Forwarded-Proto)."""

    def __init__(self, base: str, token: str = "") -> None:
        self.base, self.token, self.cookies = base, token, {}  # type: ignore[var-annotated]

    def request(
        self, method: str, path: str, body: Any = None, form: dict[str, str] | None = None, accept: str = ""
    ) -> tuple[int, Any]:
        headers = {"X-Forwarded-Proto": "https", "Accept": accept or "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "https://" + self.base.split("://", 1)[1] + path
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        raw = response.read()
        self.last_headers = response.headers
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw.decode(errors="replace")

    def get(self, path: str, accept: str = "") -> tuple[int, Any]:
        return self.request("GET", path, accept=accept)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return self.request("POST", path, body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Mailbox:
    """The file e-mail backend's directory: every message's Message-ID, counted."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def ids(self) -> Counter[str]:
        counted: Counter[str] = Counter()
        for path in self.path.glob("*.log"):
            # The file backend writes each message followed by a line of 79 dashes.
            for chunk in path.read_text(errors="replace").split("-" * 79 + "\n"):
                if chunk.strip():
                    counted[str(email.message_from_string(chunk)["Message-ID"]).strip()] += 1
        return counted

    def kinds(self) -> Counter[str]:
        """Messages per kind (desk_suggestion, reader_decision, comment_reply), duplicates included."""
        counted: Counter[str] = Counter()
        for message_id, count in self.ids().items():
            counted[message_id.split(".")[2]] += count
        return counted


class Deployment:
    def __init__(self, broker: str, workdir: Path, python: Path) -> None:
        self.broker_kind, self.workdir, self.python = broker, workdir, python
        tag = f"{os.getpid()}_{broker}"
        self.database, self.role = f"newsdesk_smoke_{tag}", f"newsdesk_smoke_app_{tag}"
        self.redis_port, self.web_port = free_port(), free_port()
        self.redis: subprocess.Popen[bytes] | None = None
        self.vhost = f"newsdesk_smoke_{tag}"
        self.mail = Mailbox(workdir / "mail")
        self.mail.path.mkdir(parents=True)
        (workdir / "logs").mkdir()
        self.processes: dict[str, Process] = {}

    # --- set-up, as README "Production" says --------------------------------------------
    def env(self, *, owner: bool) -> dict[str, str]:
        bin_dir = str(self.python.parent)
        env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
        env.update(production_env())
        password = "smoke-app-password"
        if self.broker_kind == "redis":
            broker = f"redis://127.0.0.1:{self.redis_port}/0"
        else:
            broker = f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}"
        env.update(
            SECRET_KEY="smoke-" + "k" * 20 + secrets.token_urlsafe(40),
            ALLOWED_HOSTS="127.0.0.1",
            CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{self.web_port}",
            SITE_URL=f"https://127.0.0.1:{self.web_port}",
            DATABASE_URL=f"{PG}/{self.database}"
            if owner
            else f"postgres://{self.role}:{password}@127.0.0.1:5432/{self.database}",
            NEWSDESK_APP_PASSWORD=password,
            CELERY_BROKER_URL=broker,
            CACHE_URL=f"redis://127.0.0.1:{self.redis_port}/1",
            DESK_EMAIL=DESK,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail.path),
            BIND=f"127.0.0.1:{self.web_port}",
            WEB_CONCURRENCY="2",
            WORKER_CONCURRENCY="2",
            CELERY_BEAT_SCHEDULE_FILE=str(self.workdir / "celerybeat-schedule"),
            SUGGESTION_RATE="1000/minute",
            COMMENT_RATE="1000/minute",
            # The relay's clock, shortened so that the faults resolve in seconds, not minutes.
            NOTIFY_RELAY_SECONDS="3",
            NOTIFY_RELAY_GRACE_SECONDS="3",
            NOTIFY_REENQUEUE_SECONDS="10",
            NOTIFY_CLAIM_SECONDS="15",
            EMAIL_TIMEOUT="5",
            DB_POOL_MIN_SIZE="1",
            DB_POOL_MAX_SIZE="4",
            LOG_FORMAT="json",
        )
        return env

    def manage(self, *args: str, owner: bool = True, extra: dict[str, str] | None = None) -> str:
        return run([str(self.python), "manage.py", *args], {**self.env(owner=owner), **(extra or {})})

    def set_up(self) -> str:
        self.start_redis()
        if self.broker_kind == "rabbitmq":
            subprocess.run(["rabbitmqctl", "-q", "add_vhost", self.vhost], check=True, capture_output=True)
            subprocess.run(
                ["rabbitmqctl", "-q", "set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*"],
                check=True,
                capture_output=True,
            )
        psql(f"CREATE DATABASE {self.database}")
        log(f"database {self.database}: migrate, roles, static files, the first editor")
        self.manage("migrate", "--noinput")
        self.manage("setup_roles", "--database-role", self.role)
        self.manage("collectstatic", "--noinput", "--clear")
        out = self.manage("create_editor", "alice", "--email", "alice@news.example", "--token",
                          extra={"EDITOR_PASSWORD": EDITOR_PASSWORD})  # fmt: skip
        token = re.search(r"API token: (\w+)", out)
        check(token is not None, f"create_editor printed no token: {out}")
        assert token is not None
        for name, command in procfile().items():
            self.processes[name] = Process(name, command, self.env(owner=False), self.workdir / "logs")
            self.processes[name].start()
        self.base = f"http://127.0.0.1:{self.web_port}"
        wait_for(lambda: Client(self.base).get("/readyz") == (200, self.ready_body()), "/readyz to be ready", 60)
        wait_for(lambda: "ready." in self.processes["worker"].log_text(), "the worker to be ready", 60)
        return token.group(1)

    def ready_body(self) -> dict[str, Any]:
        status, body = Client(self.base).get("/readyz")
        return body if status == 200 and body.get("broker") == "ok" else {"not": "ready"}

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.redis_port), 1).close() is None, "redis", 20)

    def kill_redis(self) -> None:
        assert self.redis is not None
        self.redis.kill()
        self.redis.wait(10)

    def tear_down(self) -> None:
        for process in self.processes.values():
            process.stop()
        if self.redis and self.redis.poll() is None:
            self.kill_redis()
        if self.broker_kind == "rabbitmq":
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", self.vhost], capture_output=True)
        psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        psql(f'DROP OWNED BY "{self.role}"; DROP ROLE IF EXISTS "{self.role}"')

    def outbox(self) -> dict[str, int]:
        """Notification rows by status, read by the app's own role."""
        code = (
            "import json; from django.db.models import Count; from corrections.models import Notification as N;"
            "print(json.dumps(dict(N.objects.values_list('status').annotate(n=Count('id')))))"
        )
        return json.loads(self.manage("shell", "-c", code, owner=False).strip().splitlines()[-1])


# --- the story and the faults ------------------------------------------------------------


def publish(editor: Client, slug: str) -> None:
    body = {
        "slug": slug,
        "title": "Harbour bridge to be rebuilt",
        "body": "The council voted on Tuesday to rebuild the old harbour bridge.\n\n"
        "The mayor, Jon Smith, said the work would take two years and cost £12 million.",
    }
    status, answer = editor.post("/api/v1/articles/", body)
    check(status == 201, f"publish: {status} {answer}")


def suggest(reader: Client, slug: str, exact: str, fix: str, email: str = "") -> dict[str, Any]:
    body = {"exact": exact, "suggestion": fix, "category": "factual", "email": email, "name": "A reader"}
    status, answer = reader.post(f"/api/v1/articles/{slug}/suggestions/", body)
    check(status == 201, f"suggestion: {status} {answer}")
    return answer


def comment(reader: Client, slug: str, text: str, email: str = "", parent: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"body": text, "name": "A reader", "email": email, "website": ""}
    if parent:
        body["parent"] = parent
    status, answer = reader.post(f"/api/v1/articles/{slug}/comments/", body)
    check(status == 201, f"comment: {status} {answer}")
    return answer


def story(deploy: Deployment, editor: Client) -> None:
    """Publish, suggest, accept, comment, reply: each expected e-mail exactly once."""
    reader = Client(deploy.base)
    publish(editor, "harbour-bridge")
    submitted = suggest(reader, "harbour-bridge", "Jon Smith", "John Smith", email="reader@example.org")
    status, article = reader.get("/api/v1/articles/harbour-bridge/")
    check(status == 200, f"article: {status}")
    status, answer = editor.post(
        f"/api/v1/review/suggestions/{submitted['id']}/accept/",
        {"expected_version": article["version"], "note": "The mayor's name was misspelt.", "reply": "Thank you!"},
    )
    check(status == 200, f"accept: {status} {answer}")
    status, page = reader.get(f"/api/v1/suggestions/{submitted['token']}/")
    check(status == 200 and page["status"] == "accepted", f"status page: {status} {page}")
    first = comment(reader, "harbour-bridge", "Good news for the town.", email="commenter@example.org")
    comment(Client(deploy.base), "harbour-bridge", "I agree.", parent=first["id"])
    expected = Counter({"desk_suggestion": 1, "reader_decision": 1, "comment_reply": 1})
    wait_for(lambda: deploy.mail.kinds() == expected, f"e-mails {dict(expected)}", 60)
    time.sleep(3)  # a duplicate would show up now
    check(deploy.mail.kinds() == expected, f"each e-mail once: {deploy.mail.kinds()}")
    check(set(deploy.mail.ids().values()) == {1}, f"duplicate Message-IDs: {deploy.mail.ids()}")
    log(f"story: {dict(expected)} each delivered once")


def admin_and_static(deploy: Deployment) -> None:
    """The first editor logs in to the admin; its pages, their CSS and the widget load under the CSP."""
    browser = Client(deploy.base)
    status, page = browser.get("/admin/login/")
    check(status == 200, f"admin login page: {status}")
    check("script-src 'self'" in browser.last_headers["Content-Security-Policy"], "no CSP on the admin")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    check(csrf is not None, "no CSRF token on the login page")
    assert csrf is not None
    form = {"csrfmiddlewaretoken": csrf.group(1), "username": "alice", "password": EDITOR_PASSWORD, "next": "/admin/"}
    status, _ = browser.request("POST", "/admin/login/", form=form)
    check(status == 302, f"admin login: {status}")
    for path in [
        "/admin/",
        "/admin/corrections/suggestion/",
        "/admin/corrections/comment/",
        "/admin/corrections/notification/",
    ]:
        status, page = browser.get(path)
        check(status == 200, f"{path}: {status}")
        for asset in set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page)):
            check(browser.get(asset)[0] == 200, f"{asset} (linked from {path}) does not load")
    for path in ["/static/corrections/widget.js", "/api/docs/", "/api/docs/?script=", "/articles/harbour-bridge/"]:
        status, _ = browser.get(path, accept="text/html,*/*;q=0.8")
        check(status == 200, f"{path}: {status}")
    log("admin pages, their static files, the widget and the API docs load")


def redis_down(deploy: Deployment) -> None:
    """Readers keep posting while Redis (broker and throttle cache) is killed; once back, all goes out once."""
    before = deploy.mail.kinds()["desk_suggestion"]
    deploy.kill_redis()
    reader = Client(deploy.base)
    phrases = [("two years", "three years"), ("Tuesday", "Wednesday"), ("£12 million", "£15 million")]
    for exact, fix in phrases:
        suggest(reader, "harbour-bridge", exact, fix)
    comment(reader, "harbour-bridge", "Posted while Redis was down.")
    check(deploy.outbox().get("pending", 0) >= len(phrases), f"the outbox keeps them: {deploy.outbox()}")
    web_log = deploy.processes["web"].log_text()
    check("Cache at redis://" in web_log and "unreachable" in web_log, "no warning that throttling went local")
    log(f"Redis down: {len(phrases)} suggestions and a comment accepted; notifications pending")
    deploy.start_redis()
    want = before + len(phrases)
    took = wait_for(lambda: deploy.mail.kinds()["desk_suggestion"] == want, "the relay after Redis came back", 90)
    check(set(deploy.mail.ids().values()) == {1}, f"sent twice after Redis came back: {deploy.mail.ids()}")
    log(f"Redis back: {len(phrases)} desk e-mails delivered once each, {took:.0f} s later")


def worker_killed(deploy: Deployment) -> None:
    """SIGKILL the worker with messages in its hands and in the queue: nothing lost, nothing sent twice."""
    before = deploy.mail.kinds()["desk_suggestion"]
    worker = deploy.processes["worker"]
    worker.send(signal.SIGSTOP)  # it holds its prefetched messages and cannot finish them
    reader = Client(deploy.base)
    count = 6
    for n in range(count):
        suggest(reader, "harbour-bridge", "old harbour bridge", f"old harbour bridge ({n})")
    time.sleep(1)
    worker.stop(signal.SIGKILL)
    log(f"worker killed with {count} suggestions in flight")
    worker.start()
    took = wait_for(lambda: deploy.mail.kinds()["desk_suggestion"] == before + count, "every desk e-mail", 90)
    time.sleep(3)
    check(deploy.mail.kinds()["desk_suggestion"] == before + count, f"sent twice: {deploy.mail.kinds()}")
    check(set(deploy.mail.ids().values()) == {1}, f"duplicate Message-IDs: {deploy.mail.ids()}")
    log(f"new worker: all {count} delivered once, {took:.0f} s after the restart")


def web_killed(deploy: Deployment) -> None:
    """SIGKILL gunicorn while readers post: the log still verifies and no notification waits long."""
    web = deploy.processes["web"]
    results: list[int] = []

    def post_many() -> None:
        reader = Client(deploy.base)
        for n in range(30):
            try:
                body = {"exact": "Tuesday", "suggestion": f"Tuesday ({n})", "email": f"r{n}@example.org"}
                results.append(reader.post("/api/v1/articles/harbour-bridge/suggestions/", body)[0])
            except OSError:
                results.append(0)

    threads = [threading.Thread(target=post_many) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    web.stop(signal.SIGKILL)
    for thread in threads:
        thread.join(60)
    log(f"web killed mid-traffic: {Counter(results)} (0 = connection dropped)")
    web.start()
    wait_for(lambda: Client(deploy.base).get("/healthz")[0] == 200, "the web server to come back", 30)
    verified = deploy.manage("verify_log", owner=False)
    check("intact" in verified.lower() or "ok" in verified.lower(), f"verify_log: {verified}")
    took = wait_for(lambda: deploy.outbox().get("pending", 0) == 0, "no pending notification", 60)
    check(set(deploy.mail.ids().values()) == {1}, f"duplicate Message-IDs: {deploy.mail.ids()}")
    log(f"verify_log passes; the outbox emptied {took:.0f} s after the restart")


def smoke(broker: str, python: Path, keep: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"newsdesk-smoke-{broker}-"))
    deploy = Deployment(broker, workdir, python)
    started = time.monotonic()
    try:
        token = deploy.set_up()
        editor = Client(deploy.base, token)
        story(deploy, editor)
        admin_and_static(deploy)
        if broker == "redis":
            redis_down(deploy)
        worker_killed(deploy)
        web_killed(deploy)
        for name, process in deploy.processes.items():
            check(
                " 500 " not in process.log_text() and '"status": 500' not in process.log_text(), f"{name} logged a 500"
            )
        log(f"{broker}: passed in {time.monotonic() - started:.0f} s")
    except BaseException:
        for name, process in deploy.processes.items():
            print(f"----- {name} log (last 60 lines) -----\n" + "\n".join(process.log_text().splitlines()[-60:]))
        raise
    finally:
        deploy.tear_down()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def venv() -> Path:
    """A fresh virtualenv with requirements.txt and nothing else: what a production image installs."""
    path = Path(tempfile.mkdtemp(prefix="newsdesk-prod-venv-"))
    log(f"fresh virtualenv from requirements.txt only: {path}")
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    pip = [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(ROOT / "requirements.txt")], check=True, timeout=600)
    return path / "bin" / "python"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--broker", choices=["redis", "rabbitmq"], action="append")
    parser.add_argument("--python", type=Path, help="a virtualenv's python to reuse instead of a fresh one")
    parser.add_argument("--keep", action="store_true", help="keep the work folders (logs, e-mails)")
    args = parser.parse_args()
    python = args.python or venv()
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SmokeFailure("the smoke test ran out of time")))
    for broker in args.broker or ["redis", "rabbitmq"]:
        signal.alarm(TIME_LIMIT)
        try:
            smoke(broker, python, args.keep)
        except SmokeFailure as failure:
            print(f"SMOKE TEST FAILED ({broker}): {failure}", file=sys.stderr)
            return 1
        finally:
            signal.alarm(0)
    if not args.python:
        shutil.rmtree(python.parent.parent, ignore_errors=True)
    print("production smoke test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
