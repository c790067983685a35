"""Inventory's model: the Product aggregate, its events and stock rules."""
