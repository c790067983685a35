"""The workbench's facade: one session, immutable rows out (no Qt here)."""
