"""Notifications: in-app notification centre (and an optional mail channel) for tasks and deadlines."""
