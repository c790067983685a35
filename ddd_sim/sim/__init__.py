"""The simulation kernel: virtual time, seeded randomness, faults, scenarios.

Standard library only (plus ``ddd_sim.shared``): nothing here reads a real
clock or the global ``random``.
"""
