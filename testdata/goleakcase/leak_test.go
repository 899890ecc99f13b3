// Package goleakcase fails a test with go.uber.org/goleak, to record goleak's real
// failure output for goleakhelp's fixtures (scripts/make_dump_fixtures.py).
// It builds in GOPATH mode against Debian's golang-uber-goleak-dev sources.
package goleakcase

import (
	"errors"
	"testing"

	"go.uber.org/goleak"
)

// lookup gives up on the first error and returns, leaving the receiver behind.
func lookup(keys []string) error {
	results := make(chan string)
	for range keys {
		go func() {
			r := <-results // nobody ever sends: the caller returns first
			_ = r
		}()
	}
	return errors.New("backend unavailable")
}

func TestLookupLeaks(t *testing.T) {
	defer goleak.VerifyNone(t)
	_ = lookup([]string{"a", "b", "c"})
}
