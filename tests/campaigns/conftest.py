"""Fixtures of the campaign tests: the real process library, users of the chain, an XLSX register."""
from io import BytesIO

import pytest
from openpyxl import Workbook

from app.formdefs.uscc import make_uscc
from tests.processes.conftest import library  # noqa: F401  (fixture: every process deployed)


@pytest.fixture()
def chain(make_user):
    """Quality-supervision heads and clerks of Fujian, Fuzhou, Minhou and Xiamen."""
    head = lambda code: make_user(code, roles=("staff", "supervisor"))  # noqa: E731
    return {"province": head("350000"), "fuzhou": head("350100"), "fuzhou_clerk": make_user("350100"),
            "xiamen": head("350200"), "minhou": head("350121"), "minhou_clerk": make_user("350121")}


def register_xlsx(rows, header=("统一社会信用代码", "企业名称", "产品类别", "主要产品")) -> bytes:
    """An enterprise register as a county would keep it in Excel."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def uscc(n: int) -> str:
    """A valid USCC of Minhou (350121) numbered n."""
    return make_uscc(f"91350121M{n:08d}")


@pytest.fixture(autouse=True)
def _fresh_class_cache():
    """Classes a test adds are rolled back with it: never leave them in the in-memory copy."""
    from app.cases.categories import clear_cache

    clear_cache()
    yield
    clear_cache()
