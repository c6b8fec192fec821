"""Browser test infrastructure: a live server over its own migrated SQLite file database, demo users,
the processes/ directory deployed, and a Playwright Chromium (Debian's /usr/bin/chromium).

Fixtures: `live_app` (the Flask app behind the server), `live_server` (.url, .app, .session(),
.deploy_xml(...), .add_form(...)), `browser` (session), `page` (fresh context per test, base_url set),
`login` (the helper: `login(page, "mh_qs")`; demo users as in README, password demo123).
Browser tests never use `db_session`: the server's threads must see committed rows.
"""
import json
import shutil
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.db import db

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_PASSWORD = "demo123"
# Bureau prefixes and department suffixes as in README's demo logins.
UNITS = {"fj": "350000", "fz": "350100", "mh": "350121", "xm": "350200", "sm": "350203"}
DEPT_SHORT = {"quality_supervision": "qs", "consumer_protection": "cp", "certification": "cert",
              "quality_development": "qd", "enforcement": "enf", "credit": "credit", "testing_body": "lab",
              "it_office": "it"}


class LiveServer:
    """A running server plus helpers that write to its database from the test thread."""

    def __init__(self, app, url, forms_dir):
        self.app, self.url, self.forms_dir = app, url, Path(forms_dir)

    @contextmanager
    def session(self):
        """A committed unit of work on the live database (outside any request)."""
        with self.app.app_context():
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise
            finally:
                db.remove()

    def deploy_xml(self, xml, filename="test.bpmn"):
        """Deploy BPMN text to the live database (its forms must exist in forms_dir)."""
        from app.engine.deploy import deploy_files

        with self.session():
            return deploy_files({filename: xml.strip().encode("utf-8")})

    def add_form(self, form: dict):
        """Write a form file into the live server's forms directory (the registry picks it up)."""
        (self.forms_dir / f"{form['key']}.json").write_text(json.dumps(form, ensure_ascii=False), "utf-8")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _create_demo_users():
    from app.auth.accounts import create_user
    from app.seed.reference import DEPARTMENTS, TESTING_BODIES, unit_by_code

    for short, code in UNITS.items():
        unit = unit_by_code(code)
        for dept, name, _en in DEPARTMENTS:
            d = DEPT_SHORT[dept]
            create_user(f"{short}_{d}", DEMO_PASSWORD, f"{unit.name[:-7]}{name}经办人", unit, [dept])
            create_user(f"{short}_{d}_head", DEMO_PASSWORD, f"{unit.name[:-7]}{name}负责人", unit, [dept],
                        ["staff", "supervisor"])
    for n, (code, name) in enumerate(TESTING_BODIES, start=1):
        create_user(f"jc{n}_lab", DEMO_PASSWORD, f"{name}检验员", unit_by_code(code), ["testing_body"])
    create_user("admin", DEMO_PASSWORD, "流程管理员", unit_by_code("350000"), ["it_office"],
                ["process_admin", "system_admin", "supervisor"])


def _deploy_processes(directory):
    """Deploy processes/ as one bundle; if a file in progress is broken, deploy the rest file by file."""
    import warnings

    from app.engine.deploy import deploy_files
    from app.engine.errors import DeployError

    files = {p.name: p.read_bytes() for p in sorted(directory.glob("*.bpmn"))} if directory.is_dir() else {}
    try:
        with db.begin_nested():
            deploy_files(files)
        return
    except DeployError:
        pass
    # Called processes must be deployed before their callers: retry until a pass deploys nothing more.
    remaining, problems = dict(files), {}
    while remaining:
        progress = False
        for name in list(remaining):
            try:
                with db.begin_nested():
                    deploy_files({name: remaining[name]})
            except DeployError as exc:
                problems[name] = exc.message
                continue
            del remaining[name]
            problems.pop(name, None)
            progress = True
        if not progress:
            break
    for name, message in problems.items():
        warnings.warn(f"browser tests: {name} not deployed: {message}", stacklevel=1)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app behind the live server: its own SQLite file, reference data, demo users, processes/."""
    from app.migrate import upgrade

    root = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{root / 'live.db'}"
    upgrade(url)
    forms_dir = root / "forms"
    # A copy of forms/ so tests can add their own forms without touching the repository.
    if (ROOT / "forms").is_dir():
        shutil.copytree(ROOT / "forms", forms_dir)
    else:
        forms_dir.mkdir()
    app = create_app({
        "TESTING": True, "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": True,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": url, "FORMS_DIR": str(forms_dir), "UPLOAD_DIR": str(root / "uploads"),
    })
    with app.app_context():
        from app.seed.reference import ensure_reference_data

        ensure_reference_data()
        _create_demo_users()
        _deploy_processes(ROOT / "processes")
        db.commit()
        db.remove()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """Serve live_app on a free local port in a background thread for the whole session."""
    port = _free_port()
    server = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(live_app, f"http://127.0.0.1:{port}", live_app.config["FORMS_DIR"])
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; the browser tests skip only when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium 未安装，跳过浏览器测试")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, live_server):
    """A fresh browser context (own cookies) per test, with base_url set to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def do_login(page, username, password=DEMO_PASSWORD):
    """Log in through the login form and wait until the page after it shows."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/login" in page.url:
        raise AssertionError(f"login as {username} failed: {page.inner_text('body')[:200]}")
    return page


@pytest.fixture(scope="session")
def login():
    """The helper `login(page, username, password="demo123")` (test modules cannot import conftest)."""
    return do_login
