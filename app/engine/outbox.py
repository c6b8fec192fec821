"""Messages a process throws to the outside world, routed after each engine step."""
from app.audit.services import record_event

START_PREFIX = "start:"


def dispatch(inst, name, payload, user_id):
    """Route one thrown message: `start:<key>` opens a follow-up case; others go to the case."""
    from app.cases.services import open_follow_up_case
    from app.engine.service import send_message

    payload = payload if isinstance(payload, dict) else {"value": payload}
    if name.startswith(START_PREFIX):
        key = name[len(START_PREFIX):]
        case_id = open_follow_up_case(inst.case_id, key, payload, user_id)
        record_event("follow_up_started", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     summary=key, data={"follow_up_case_id": case_id})
    elif inst.case_id is not None:
        send_message(inst.case_id, name, payload, user_id)
