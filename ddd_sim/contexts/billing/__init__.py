"""Billing: invoices, on billing's own view of orders from the published language."""
