"""Shipping's model: the Shipment aggregate, its rules and its events."""
