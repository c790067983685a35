"""Customer's model: the Customer aggregate, its rules and its events."""
