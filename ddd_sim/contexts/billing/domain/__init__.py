"""Billing's model: invoices, their events, and what an order means to billing."""
