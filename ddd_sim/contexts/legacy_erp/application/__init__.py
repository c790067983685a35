"""The legacy ERP's wiring: it stores no events and publishes nothing."""
