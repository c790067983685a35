"""Inventory: products, stock and reservations; upstream supplier of sales."""
