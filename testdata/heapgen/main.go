// Command heapgen keeps memory alive in known leak patterns and writes the
// heap and goroutine profiles that tests/fixtures/profiles/ holds.
//
// Every allocation is recorded (runtime.MemProfileRate = 1) and a GC runs
// before each profile, so the same build writes the same sites and sizes.
//
//	heapgen -out DIR
//
// writes DIR/heap.debug1.txt (/debug/pprof/heap?debug=1), DIR/heap.pb.gz
// (/debug/pprof/heap), DIR/allocs.pb.gz (/debug/pprof/allocs) and
// DIR/goroutine.pb.gz (/debug/pprof/goroutine), and before that, part way
// through the leaks, DIR/heap.base.pb.gz and DIR/heap.base.debug1.txt: the
// earlier profiles a heap diff compares with. Between the two, the three
// leaks grow and the plain map stays as it was.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// subslice-retention: each upload body is read whole, but only its first
// bytes are kept; the kept sub-slice pins the whole array io.ReadAll made.
var uploadHeads = map[int][]byte{}

// patternReader yields an endless stream of bytes without allocating.
type patternReader struct{}

func (patternReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	return len(p), nil
}

func keepUploadHeads(uploads, size int) {
	for i := range uploads {
		body, err := io.ReadAll(io.LimitReader(patternReader{}, int64(size)))
		if err != nil {
			log.Fatal(err)
		}
		uploadHeads[i] = body[:16]
	}
}

// unbounded-cache: a sync.Map that is written for every session and never evicted.
var sessions sync.Map

type session struct {
	user  string
	token [64]byte
}

func cacheSessions(n int) {
	for i := range n {
		sessions.Store(i, &session{user: fmt.Sprint("user-", i)})
	}
}

// ctx-lostcancel: a child context per job whose cancel func is dropped; the
// long-lived parent keeps every child in its children map.
var (
	serverCtx, stopServer = context.WithCancel(context.Background())
	jobCtxs               []context.Context
)

func startJobs(n int) {
	for range n {
		ctx, _ := context.WithCancel(serverCtx) // go vet reports this line (lostcancel): it is the leak
		jobCtxs = append(jobCtxs, ctx)
	}
}

// A plain map used as a cache: runtime map frames are dropped from heap
// profiles, so the table is charged to this function, which no KB entry names.
var index = map[int]string{}

func fillIndex(n int) {
	for i := range n {
		index[i] = "entry"
	}
}

// chan-send-orphan: the first answer wins and the other senders block forever.
func firstAnswer(replicas int) int {
	answers := make(chan int)
	for r := range replicas {
		go func() { answers <- r }()
	}
	return <-answers
}

func write(dir, name string, fn func(*os.File) error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	if err := fn(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	runtime.MemProfileRate = 1
	out := flag.String("out", ".", "folder to write the profiles into")
	flag.Parse()

	keepUploadHeads(2, 1<<20)
	cacheSessions(1500)
	startJobs(1000)
	fillIndex(20000)
	runtime.GC()
	write(*out, "heap.base.debug1.txt", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 1) })
	write(*out, "heap.base.pb.gz", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 0) })
	time.Sleep(1100 * time.Millisecond) // the profiles' timestamps give the growth a rate

	keepUploadHeads(6, 1<<20) // the first two again, and four more
	cacheSessions(4000)
	startJobs(2000)
	for range 4 {
		firstAnswer(3)
	}

	runtime.GC()
	write(*out, "heap.debug1.txt", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 1) })
	runtime.GC()
	write(*out, "heap.pb.gz", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 0) })
	write(*out, "allocs.pb.gz", func(f *os.File) error { return pprof.Lookup("allocs").WriteTo(f, 0) })
	write(*out, "goroutine.pb.gz", func(f *os.File) error { return pprof.Lookup("goroutine").WriteTo(f, 0) })

	runtime.KeepAlive(uploadHeads)
	runtime.KeepAlive(jobCtxs)
	runtime.KeepAlive(index)
	stopServer()
}
