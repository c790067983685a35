"""Analytics: sales figures per simulated day, folded from the published language."""
