"""Imports and feeds: e-CQS sampling results, 12315 complaint leads, credit disclosures (public page, export)."""
