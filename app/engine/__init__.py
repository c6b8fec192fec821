"""Workflow engine integration: restricted expressions, safe XML intake, SpiffWorkflow glue."""
