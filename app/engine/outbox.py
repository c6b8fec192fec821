"""Messages a process throws to the outside world, routed after each engine step."""
from app import signals
from app.audit.services import record_event

START_PREFIX = "start:"


def dispatch(inst, name, payload, user_id):
    """Route one thrown message: `start:<key>` asks for a follow-up case; others go to the case."""
    from app.engine.service import send_message

    payload = payload if isinstance(payload, dict) else {"value": payload}
    if name.startswith(START_PREFIX):
        key = name[len(START_PREFIX):]
        # The cases domain opens the case and answers with its id.
        answers = signals.follow_up_requested.send(inst.case_id, instance_id=inst.id, process_key=key,
                                                   payload=payload, user_id=user_id)
        case_ids = [case_id for _receiver, case_id in answers if case_id]
        record_event("follow_up_started", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     summary=key, data={"follow_up_case_id": case_ids[0] if case_ids else None})
    elif inst.case_id is not None:
        send_message(inst.case_id, name, payload, user_id)
