"""Payment's use cases: command and query handlers, read models, the card provider."""
