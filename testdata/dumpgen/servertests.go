package main

// test-server-leak: tests that start httptest servers and never close them.
// The same test functions run in this program (through testing.Main) and
// under go test (dumpgen_test.go).

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

func init() {
	register(&scenario{
		Name: "test-server-leak", Expect: "test-server-leak",
		LeakFunc: `^net/http/httptest\.\(\*Server\)\.goServe\.func1$`, State: `^IO wait$`, Count: 15,
		Formats: []string{"testtimeout"},
		TestRun: `^(TestHealthEndpoints|TestShutdownIdle)$`,
		run:     runServerTests,
	})
}

// testHealthEndpoints starts one test server per case and never calls
// srv.Close: Serve, the server's connections and the client's idle
// connections outlive the test.
func testHealthEndpoints(t *testing.T) {
	for i := range 15 {
		t.Run(fmt.Sprintf("case%02d", i), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(okHandler))
			resp, err := http.Get(srv.URL + "/health")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if _, err := io.ReadAll(resp.Body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
	}
}

// waitForIdle is a hand-written leak check: it waits until only the test's
// own goroutines are left, which never happens after the leak above.
func waitForIdle(t *testing.T, max int) {
	for runtime.NumGoroutine() > max {
		time.Sleep(50 * time.Millisecond)
	}
}

func runServerTests(e *env) {
	match := func(_, _ string) (bool, error) { return true, nil }
	tests := []testing.InternalTest{
		{Name: "TestHealthEndpoints", F: testHealthEndpoints},
		{Name: "TestDump", F: func(t *testing.T) {
			close(e.ready)
			dumpWhenSettled(e) // exits the process
		}},
	}
	testing.Main(match, tests, nil, nil)
}
