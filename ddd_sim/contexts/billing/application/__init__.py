"""Billing's use cases: invoice commands, its read models, queries and wiring."""
