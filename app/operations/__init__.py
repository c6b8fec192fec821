"""Instance operations for process admins: list, incidents, suspend/resume/cancel/retry, reset, migrate."""
