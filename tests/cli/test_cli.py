"""The command line an operator uses: deploy, list, users, calendar."""
from tests.engine import samples


def test_deploy_list_and_redeploy(app, db_session, tmp_path, monkeypatch):
    (tmp_path / "review_flow.bpmn").write_text(samples.review_process(), encoding="utf-8")
    runner = app.test_cli_runner()
    monkeypatch.setitem(app.config, "FORMS_DIR", str(tmp_path))  # no form yet: deploy names it
    refused = runner.invoke(args=["processes", "deploy", str(tmp_path)])
    assert refused.exit_code == 1 and "表单 test_form 不存在" in refused.output
    (tmp_path / "test_form.json").write_text(
        '{"key": "test_form", "title": "测试表单", "fields": [{"name": "approved", "label": "同意", "type": "boolean"}]}',
        encoding="utf-8")
    first = runner.invoke(args=["processes", "deploy", str(tmp_path)])
    assert first.exit_code == 0 and "review_flow\tv1\t新版本" in first.output
    again = runner.invoke(args=["processes", "deploy", str(tmp_path)])
    assert "review_flow\tv1\t未变化" in again.output
    listing = runner.invoke(args=["processes", "list"])
    assert "review_flow\tv1\t审核流程" in listing.output


def test_users_create_and_unknown_org(app, db_session):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["users", "create", "zhangsan", "--password", "pw-123456", "--name", "张三",
                             "--org", "350121", "--department", "enforcement", "--role", "supervisor"])
    assert ok.exit_code == 0 and "已创建用户 zhangsan" in ok.output
    bad = runner.invoke(args=["users", "create", "lisi", "--password", "pw", "--name", "李四", "--org", "999999"])
    assert bad.exit_code != 0 and "单位不存在" in bad.output


def test_calendar_deadline_over_national_day(app):
    result = app.test_cli_runner().invoke(args=["calendar", "deadline", "2026-09-30", "--days", "5", "--working"])
    assert result.output.strip().splitlines()[0] == "2026-10-13"


def test_installation_secret_is_random_kept_and_private(tmp_path):
    from app.config import installation_secret

    path = tmp_path / "instance" / "secret_key"
    first = installation_secret(path)
    assert len(first) == 64 and installation_secret(path) == first
    assert installation_secret(tmp_path / "other" / "secret_key") != first
    assert path.stat().st_mode & 0o077 == 0


def test_commands_on_a_database_without_migrations_say_what_to_run(tmp_path):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    bare = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    result = bare.test_cli_runner().invoke(args=["calendar", "deadline", "2026-09-30", "--days", "5", "--working"])
    assert result.exit_code == 1
    assert "数据库尚未初始化" in result.output and "flask --app wsgi db upgrade" in result.output
    assert "Traceback" not in result.output and "no such table" not in result.output


def test_deploy_of_refused_constructs_prints_chinese_without_traceback(app, db_session, tmp_path):
    from tests.engine import corpus

    (tmp_path / "service.bpmn").write_text(corpus.camunda_service_task(), encoding="utf-8")
    (tmp_path / "twice.bpmn").write_text(corpus.multi_process(), encoding="utf-8")
    (tmp_path / "again.bpmn").write_text(corpus.multi_process(), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["processes", "deploy", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "服务任务" in result.output and "不止一次" in result.output
    assert "Duplicate" not in result.output and "must have" not in result.output


def test_reports_rollup_and_retally(app, db_session, make_case):
    from sqlalchemy import update

    from app.cases.models import Case
    from app.db import db

    case = make_case("penalty_case", start_process=False, facts={"decision_no": "罚〔2026〕9号", "fine_amount": "10"})
    db_session.flush()
    db.execute(update(Case).where(Case.id == case.id).values(tally_fine_fen=None))  # as if written before the rules
    runner = app.test_cli_runner()
    retally = runner.invoke(args=["reports", "retally"])
    assert retally.exit_code == 0 and "个案件的统计字段" in retally.output
    db_session.expire_all()
    assert db.get(Case, case.id).tally_fine_fen == 1000
    rollup = runner.invoke(args=["reports", "rollup"])
    assert rollup.exit_code == 0 and "天的办结任务" in rollup.output
