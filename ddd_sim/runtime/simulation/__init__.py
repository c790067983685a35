"""The simulation engine: the shop, its processes and the network, on virtual time."""
