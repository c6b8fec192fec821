"""Department task inboxes and the task page: lists, claim/release/assign/delegate, drafts, complete."""
