"""Supervisor dashboard (indicators of DOMAIN.md section 6) and statutory reports (weekly, stage, annual)."""
