"""Shipping: shipments of orders; in partnership with sales (they change together)."""
