"""Notification's outbox projection, queries and wiring."""
