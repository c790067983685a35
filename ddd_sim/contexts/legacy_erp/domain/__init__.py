"""The legacy product master's record model and its simulated system."""
