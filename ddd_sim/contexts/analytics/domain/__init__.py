"""Analytics arithmetic: days of simulated time, exact money sums, rates."""
