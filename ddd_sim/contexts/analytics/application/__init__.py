"""Analytics' sales projection, queries and wiring."""
