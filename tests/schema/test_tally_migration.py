"""Upgrading a database that already holds cases derives each case's report tally from its stored facts."""
import json
from datetime import date

from sqlalchemy import create_engine, text

from app.migrate import upgrade


def test_existing_cases_get_their_tally_on_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, revision="i11_0001")  # the schema before the tally columns
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO org_unit (id, code, name, level, kind, parent_id, path) "
                          "VALUES (1, '350121', '闽侯县市场监督管理局', 'county', 'bureau', NULL, '/1/')"))
        facts = {"inspection_date": "2026-03-02", "hazards": [{"severity": "major", "status": "fixed"}, {}],
                 "decision_no": "罚〔2026〕1号", "fine_amount": "36,000.00"}
        conn.execute(text('INSERT INTO "case" (number, kind, title, org_unit_id, product_category, product_name, '
                          "is_key_product, status, facts, opened_at) VALUES ('PC-1', 'hazard_investigation', "
                          "'排查', 1, 'e_bike', '电动自行车', 1, 'open', :facts, '2026-02-27 18:00:00')"),
                     {"facts": json.dumps(facts, ensure_ascii=False)})
    upgrade(url)
    with engine.connect() as conn:
        row = conn.execute(text('SELECT tally_opened_day, tally_hazard_day, tally_hz_major_fixed, tally_hz_general, '
                                'tally_decision_day, tally_fine_fen FROM "case"')).one()
    engine.dispose()
    # Opened 18:00 UTC on 27 February is 28 February in Beijing; the decision has no date of its own.
    assert [str(v) for v in row] == [str(date(2026, 2, 28)), "2026-03-02", "1", "1", "2026-02-28", "3600000"]
