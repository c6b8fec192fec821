"""A case's report tally follows its facts through every write, and the backfill derives the same values."""
from datetime import date

from sqlalchemy import select, update

from app.cases.models import Case
from app.cases.tally import TALLY_COLUMNS, as_fen, backfill_tallies
from app.db import db


def _tally(case):
    return {name: getattr(case, name) for name in TALLY_COLUMNS}


def test_the_tally_is_set_on_opening_and_follows_each_facts_write(make_case, db_session):
    case = make_case("hazard_investigation", start_process=False, facts={
        "self_inspection_submitted": "是", "hazards": [{"severity": "major", "status": "fixed"}, {"severity": None}]})
    db_session.flush()
    opened = case.tally_opened_day
    assert (case.tally_self_day, case.tally_hazard_day) == (opened, opened)  # no dates yet: the opening day
    assert (case.tally_hz_major, case.tally_hz_major_fixed, case.tally_hz_general) == (1, 1, 1)
    assert case.tally_decision_day is None and case.tally_batches is None
    case.facts = {**case.facts, "inspection_date": "2026-03-02", "decision_no": "罚〔2026〕1号",
                  "decision_date": "2026-04-01", "fine_amount": "1,200.50", "referred_to_police": True,
                  "transfer_at": "2026-04-02T18:30:00+00:00"}
    db_session.flush()
    assert (case.tally_inspection_day, case.tally_hazard_day) == (date(2026, 3, 2), date(2026, 3, 2))
    assert (case.tally_decision_day, case.tally_fine_fen) == (date(2026, 4, 1), 120050)
    assert case.tally_referral_day == date(2026, 4, 3)  # 18:30 UTC is the next morning in Beijing
    case.facts = {**case.facts, "decision_result": "no_penalty"}
    db_session.flush()
    assert case.tally_decision_day is None and case.tally_fine_fen is None  # 不予处罚 is no decision


def test_a_sampling_case_counts_batches_in_their_own_classes(make_case, db_session):
    case = make_case("supervision_sampling", start_process=False, product_category="e_bike", facts={
        "report_date": "2026-05-06", "batches": [
            {"product_category": "wire_cable", "conclusion": "fail", "is_key_product": "1"},
            {"conclusion": "pass", "is_key_product": "no"}, "not a row"]})
    db_session.flush()
    assert (case.tally_report_day, case.tally_batches, case.tally_batches_failed, case.tally_batches_key) == \
        (date(2026, 5, 6), 2, 1, 1)
    assert case.tally_batch_classes == {"wire_cable": [1, 1], "": [1, 0]}  # "" = the case's own class


def test_backfill_derives_what_the_hook_wrote(make_case, db_session):
    made = [make_case(kind, start_process=False, facts=facts) for kind, facts in [
        ("hazard_investigation", {"interview_date": "2026-02-03", "help_given": True, "hazards": [{}]}),
        ("penalty_case", {"decision_date": "2026-02-04", "confiscation_amount": 88.8}),
        ("supervision_sampling", {"batches": [{"conclusion": "fail"}]}),
        ("listed_supervision", {"reason": "重大隐患"})]]
    db_session.flush()
    expected = {c.id: _tally(c) for c in made}
    # As a migration finds them: columns empty, facts stored.
    db.execute(update(Case).where(Case.id.in_(expected)).values(dict.fromkeys(TALLY_COLUMNS)))
    assert backfill_tallies(db.connection(), batch_size=3) >= len(made)
    db_session.expire_all()
    assert {c.id: _tally(c) for c in db.scalars(select(Case).where(Case.id.in_(expected)))} == expected


def test_money_that_cannot_be_a_fine_counts_as_zero():
    assert [as_fen(v) for v in ("1,200.505", 5000, "", None, True, "NaN", "Infinity", "1e30", "abc")] == \
        [120051, 500000, 0, 0, 0, 0, 0, 0, 0]
