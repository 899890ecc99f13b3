"""Goroutine dumps: read every text form the Go runtime writes, group goroutines, and explain the leaks."""
