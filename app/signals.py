"""Domain signals (blinker): other domains subscribe instead of writing each other's tables.

Receivers run inside the sender's transaction: they may add and flush, never commit.
"""
from blinker import Namespace

_signals = Namespace()

# sender: the case id; kwargs: form_key, spec_name, data (validated form data), task_id, user_id, at
task_completed = _signals.signal("task-completed")
# sender: the HumanTask row just created; kwargs: at
task_created = _signals.signal("task-created")
# sender: the case id; kwargs: process_key, outcome ("completed" | "cancelled"), at
case_ended = _signals.signal("case-ended")
# sender: the HumanTask row; kwargs: assignee_id, actor_id, at (assigned, delegated or claimed for someone else)
task_assigned = _signals.signal("task-assigned")
# sender: the case id; kwargs: process_key, outcome ("completed" | "cancelled"), at (a process instance ended)
instance_ended = _signals.signal("instance-ended")
# sender: the parent case id; kwargs: instance_id, process_key, payload, user_id.
# A process threw `start:<process_key>`; the receiver opens the follow-up case and returns its id.
follow_up_requested = _signals.signal("follow-up-requested")
