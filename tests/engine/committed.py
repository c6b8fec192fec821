"""A case opened in a really committed transaction, for tests that use several transactions or workers."""
from app.auth.accounts import create_user
from app.cases.services import get_or_create_enterprise, open_case
from app.db import db, unit_of_work
from app.engine.deploy import deploy_files
from app.formdefs.uscc import make_uscc
from app.seed.reference import unit_by_code


def committed_case(filename, xml, key, *, uscc_body, enterprise, title, username) -> tuple[int, int]:
    """Deploy `xml`, open a `key` case for a 闽侯 enterprise and make a quality clerk there; (case id, user id)."""
    with unit_of_work():
        deploy_files({filename: xml.encode()}, form_exists=None)
        unit = unit_by_code("350121")
        ent = get_or_create_enterprise(make_uscc(uscc_body), enterprise)
        case = open_case(key, unit, title=title, enterprise=ent)
        user = create_user(username, "pw-123456", title, unit, ["quality_supervision"])
        ids = case.id, user.id
    db.remove()
    return ids
