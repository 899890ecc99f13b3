// Package synctestcase leaves goroutines durably blocked in a testing/synctest bubble,
// one of them 150 calls deep, to record the runtime's real output for goleakhelp's
// fixtures: `(durable)` wait reasons, `synctest bubble N` and `...N frames elided...`.
package synctestcase

import (
	"testing"
	"testing/synctest"
)

func deep(n int, ch chan int) int {
	if n == 0 {
		return <-ch
	}
	return deep(n-1, ch) + 1
}

func TestBubbleLeak(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		for i := 0; i < 3; i++ {
			go func() { <-ch }()
		}
		go deep(150, ch)
	})
}
