"""Sales' use cases: commands, queries, the order read models, translators."""
