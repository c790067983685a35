"""Sales' model: the Order aggregate, its lines, lifecycle and events."""
