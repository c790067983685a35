"""Shipping's use cases: commands, queries, the shipments read model, translators."""
