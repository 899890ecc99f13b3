package main

import "testing"

// go test -run '^(TestHealthEndpoints|TestShutdownIdle)$' -timeout 3s:
// the leaked test servers keep TestShutdownIdle waiting until the timeout.
func TestHealthEndpoints(t *testing.T) { testHealthEndpoints(t) }

func TestShutdownIdle(t *testing.T) { waitForIdle(t, 4) }

// go test -run '^TestNightlyBatches$' -timeout 3s: processAll never returns.
func TestNightlyBatches(t *testing.T) { runBatches(15) }
