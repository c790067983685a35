"""Customer: who may buy in the shop; publishes registrations to every context."""
