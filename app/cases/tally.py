"""What one case adds to the statutory reports and the dashboard, derived from its facts on every write.

The figures count dates and table rows kept in each case's facts (an inspection date, the hazard ledger, a
penalty decision, sampling batches). Reading and parsing the facts of a province's 100,000 cases for
every report took tens of seconds, so those inputs are kept beside the facts in plain columns
(`Case.tally_*`): set by a mapper hook in the same INSERT or UPDATE that writes the facts, and summed in
SQL by app/reports. The rules here are the report's 口径 (app/reports/statutory.py states them).
"""
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from app.clock import local_date

HAZARD_KIND = "hazard_investigation"
SAMPLING_KIND = "supervision_sampling"
# The kinds whose process records a penalty decision in the case's facts: penalty_case and the processes
# that call it (tests/reports/test_reports_penalty_counts.py checks this against processes/).
DECISION_KINDS = ("penalty_case", "failed_sample_disposal", "hazard_investigation")
TALLY_COLUMNS = ("tally_opened_day", "tally_self_day", "tally_inspection_day", "tally_hazard_day",
                 "tally_hz_general", "tally_hz_major", "tally_hz_general_fixed", "tally_hz_major_fixed",
                 "tally_interview_day", "tally_help_day", "tally_decision_day", "tally_fine_fen",
                 "tally_confiscation_fen", "tally_referral_day", "tally_report_day", "tally_batches",
                 "tally_batches_failed", "tally_batches_key", "tally_batch_classes")
# Larger sums than this are not money anyone was fined; they would overflow a BIGINT when summed.
MAX_FEN = 10 ** 15
KEY_MARKS = (True, "true", "1", 1)


def parse_day(value) -> date | None:
    """An ISO date (or datetime) fact as a date; anything else is None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return local_date(value) if value.tzinfo else value.date()
    if isinstance(value, str) and len(value) > 10:
        try:  # a datetime fact (e.g. transfer_at): its Beijing date when it carries a zone
            return parse_day(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def as_amount(value) -> Decimal:
    """A money fact (number or numeric text) as Decimal; unreadable values count as zero."""
    if value is None or isinstance(value, bool):
        return Decimal(0)
    try:
        amount = Decimal(str(value).replace(",", "").strip() or "0")
    except InvalidOperation:
        return Decimal(0)
    return amount if amount.is_finite() else Decimal(0)


def as_fen(value) -> int:
    """A money fact in fen (cents), rounded half up; unreadable or absurd values count as zero."""
    amount = as_amount(value) * 100
    if abs(amount) >= MAX_FEN:  # also keeps quantize() within its precision
        return 0
    return int(amount.quantize(Decimal(1), ROUND_HALF_UP))


def is_true(value) -> bool:
    """A boolean fact, accepting the form encodings true/'true'/'1'/'yes'/'是'."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on", "是")
    return bool(value)


def rows_of(value) -> list[dict]:
    """A table fact (list of dict rows); anything else is an empty table."""
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def is_decision(facts) -> bool:
    """A penalty decision was made (a 'no penalty' outcome is not one)."""
    return bool(facts.get("decision_no") or facts.get("decision_date")) and facts.get("decision_result") != "no_penalty"


def _hazard_values(facts, opened):
    out = {"tally_inspection_day": parse_day(facts.get("inspection_date")),
           "tally_interview_day": parse_day(facts.get("interview_date")),
           "tally_hz_general": 0, "tally_hz_major": 0, "tally_hz_general_fixed": 0, "tally_hz_major_fixed": 0}
    # Hazards count on the inspection date, or on the opening date before any inspection is recorded.
    out["tally_hazard_day"] = out["tally_inspection_day"] or opened
    if is_true(facts.get("self_inspection_submitted")):
        out["tally_self_day"] = parse_day(facts.get("self_inspection_date")) or opened
    if is_true(facts.get("help_given")):
        out["tally_help_day"] = parse_day(facts.get("help_date")) or opened
    for row in rows_of(facts.get("hazards")):
        severity = "major" if row.get("severity") == "major" else "general"
        out[f"tally_hz_{severity}"] += 1
        out[f"tally_hz_{severity}_fixed"] += row.get("status") == "fixed"
    return out


def _sampling_values(facts, opened):
    batches = rows_of(facts.get("batches"))
    classes: dict[str, list[int]] = {}
    for batch in batches:
        # A batch counts in its own product class; "" means the sampling case's class (read in SQL).
        counts = classes.setdefault(str(batch.get("product_category") or ""), [0, 0])
        counts[0] += 1
        counts[1] += batch.get("conclusion") == "fail"
    return {"tally_report_day": parse_day(facts.get("report_date")) or opened, "tally_batches": len(batches),
            "tally_batches_failed": sum(1 for b in batches if b.get("conclusion") == "fail"),
            "tally_batches_key": sum(1 for b in batches if b.get("is_key_product") in KEY_MARKS),
            "tally_batch_classes": classes or None}


def _decision_values(facts, opened):
    out = {}
    decision_day = parse_day(facts.get("decision_date")) or opened
    if is_decision(facts):
        out.update(tally_decision_day=decision_day, tally_fine_fen=as_fen(facts.get("fine_amount")),
                   tally_confiscation_fen=as_fen(facts.get("confiscation_amount")))
    if is_true(facts.get("referred_to_police")):
        out["tally_referral_day"] = parse_day(facts.get("transfer_at")) or decision_day
    return out


def tally_values(kind, facts, opened_at) -> dict:
    """Every tally column of a case of `kind` with these facts, opened at `opened_at` (None where it adds nothing)."""
    facts = facts if isinstance(facts, dict) else {}
    opened = local_date(opened_at)
    out = dict.fromkeys(TALLY_COLUMNS)
    out["tally_opened_day"] = opened
    if kind == HAZARD_KIND:
        out.update(_hazard_values(facts, opened))
    if kind == SAMPLING_KIND:
        out.update(_sampling_values(facts, opened))
    if kind in DECISION_KINDS:
        out.update(_decision_values(facts, opened))
    return out


def apply_tally(case) -> None:
    """Set the case's tally columns from its current kind, facts and opening time."""
    if case.opened_at is None:  # the column default would only be applied by the INSERT itself
        from app.db import utcnow

        case.opened_at = utcnow()
    for name, value in tally_values(case.kind, case.facts, case.opened_at).items():
        setattr(case, name, value)


def store_facts(case, facts) -> None:
    """Write a stored case's new facts with their tally in one plain UPDATE (every task completion does this;
    the ORM's flush of the same change cost several times the statement); the case object keeps the values."""
    from sqlalchemy.orm.attributes import set_committed_value

    from app.db import db

    if case.id is None or case.opened_at is None:  # not written yet: the INSERT's hook derives the tally
        case.facts = facts
        return
    values = {"facts": facts, **tally_values(case.kind, facts, case.opened_at)}
    _store_facts_statement().execute(db.connection(), {"_id": case.id, **values})  # sets all but the opened day
    for name, value in values.items():
        set_committed_value(case, name, value)


@cache
def _store_facts_statement():
    # Built once, on first use (the models import this module).
    from sqlalchemy import bindparam, update

    from app.cases.models import Case
    from app.fixedsql import FixedStatement

    # Not the opened day: it follows opened_at, which this never changes, and it is indexed (SQLite rewrites the
    # index entry of every indexed column an UPDATE sets, a page in the WAL on every completion).
    table = Case.__table__
    return FixedStatement(update(table).where(table.c.id == bindparam("_id"))
                          .values(facts=bindparam("facts"), **{name: bindparam(name) for name in TALLY_COLUMNS
                                                               if name != "tally_opened_day"}))


def backfill_tallies(connection, batch_size=2000) -> int:
    """Derive the tally of every case from its stored facts (migrations, bulk loads); returns cases updated."""
    from sqlalchemy import bindparam, column, select, table, update

    from app.db import JSONType, UTCDateTime

    case = table("case", column("id"), column("kind"), column("facts", JSONType), column("opened_at", UTCDateTime()),
                 *[column(name, JSONType if name == "tally_batch_classes" else None) for name in TALLY_COLUMNS])
    statement = update(case).where(case.c.id == bindparam("case_id")).values(
        {name: bindparam(f"v_{name}") for name in TALLY_COLUMNS})
    done, last_id = 0, 0
    while True:
        rows = connection.execute(select(case.c.id, case.c.kind, case.c.facts, case.c.opened_at)
                                  .where(case.c.id > last_id).order_by(case.c.id).limit(batch_size)).all()
        if not rows:
            return done
        params = [{"case_id": row.id, **{f"v_{name}": value for name, value
                                         in tally_values(row.kind, row.facts, row.opened_at).items()}}
                  for row in rows]
        connection.execute(statement, params)
        done, last_id = done + len(rows), rows[-1].id
