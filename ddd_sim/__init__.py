"""DDD Sim: a workbench for event-sourced, saga-driven systems under failure."""

__version__ = "0.1.0"
