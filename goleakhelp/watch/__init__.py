"""Watch a live service over time: sample its pprof endpoints, and find what keeps growing."""
