"""Customer's use cases: commands, queries, the directory read model, translators."""
