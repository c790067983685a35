"""Cross-context processes: the order saga (orchestrated and choreographed) and
the order fulfilment process manager.  They meet contexts only through the
:class:`~ddd_sim.processes.host.ProcessHost` the simulation gives them."""
