"""Inventory's use cases: commands, queries, the stock read model, the legacy ACL."""
