// Command leakserver serves net/http/pprof and expvar on 127.0.0.1 and leaks at a
// steady rate, for the tests of `goleakhelp watch`.
//
//	leakserver -addr 127.0.0.1:0 -rate 20
//
// prints "listening on ADDR" once it serves, then every second starts `rate`
// goroutines that block forever sending on a channel nobody reads
// (chan-send-orphan) and keeps 256 KiB more in a package-level cache that is never
// evicted (unbounded-cache), then runs a GC so the heap profile, which is as of
// the last GC, is current. A pool of 8 idle workers and the HTTP server's own
// goroutines stay as they are: they are what must not be reported as growing.
package main

import (
	"expvar"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync"
	"time"
)

var (
	cacheBytes = 256 << 10
	cacheMu    sync.Mutex
	cache   = map[int][]byte{}
)

// lookup answers from the first replica; the other senders block forever.
func lookup(key int) int {
	answers := make(chan int)
	for r := range 3 {
		go func() { answers <- key + r }()
	}
	return <-answers
}

func remember(key int) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	cache[key] = make([]byte, cacheBytes)
}

func worker(jobs <-chan int) {
	for range jobs {
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve pprof on")
	rate := flag.Int("rate", 20, "goroutines leaked per second")
	flag.Parse()
	// Sample allocations finely, so each cache entry shows in the heap profile at once.
	runtime.MemProfileRate = 4096

	jobs := make(chan int)
	for range 8 {
		go worker(jobs)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	os.Stdout.Sync()
	expvar.NewInt("leak_rate").Set(int64(*rate))
	go func() { log.Fatal(http.Serve(ln, nil)) }()

	key := 0
	for range time.Tick(time.Second) {
		for range *rate / 2 {
			lookup(key) // two goroutines left behind per call
			key++
		}
		remember(key)
		runtime.GC()
	}
}
