package main

// Context, timer and spawning leaks: ctx-lostcancel, sleep-poll,
// ticker-goroutine, unbounded-spawn; and the healthy idle-pool.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	register(&scenario{
		Name: "ctx-lostcancel", Expect: "ctx-lostcancel",
		LeakFunc: `^context\.\(\*cancelCtx\)\.propagateCancel\.func\d+$`, State: `^select$`, Count: 15,
		Formats: []string{"stack"},
		run:     runProfiles,
	})
	register(&scenario{
		Name: "sleep-poll", Expect: "sleep-poll",
		LeakFunc: `^main\.pollQueue$`, State: `^sleep$`, Count: 15,
		run:   runPollers,
		block: shutdownPollers,
	})
	register(&scenario{
		Name: "ticker-goroutine", Expect: "ticker-goroutine",
		LeakFunc: `^main\.\(\*Cache\)\.refreshLoop$`, State: `^chan receive$`, Count: 15,
		run: runCaches,
	})
	register(&scenario{
		Name: "unbounded-spawn", Expect: "unbounded-spawn",
		LeakFunc: `^main\.handleMessage$`, State: `^select$`, Count: 3000,
		Formats: []string{"debug1"},
		run:     startConsumer,
	})
	register(&scenario{
		Name: "idle-pool", Expect: "healthy",
		run:   runIdlePool,
		block: serveJobs,
	})
}

// --- ctx-lostcancel ---------------------------------------------------------

// shutdownSignal is the service's own Context type: done when the service is
// told to stop. It is not a context package type, so every child derived
// from it needs a goroutine to watch it.
type shutdownSignal struct {
	done chan struct{}
}

func (s *shutdownSignal) Deadline() (time.Time, bool) { return time.Time{}, false }
func (s *shutdownSignal) Done() <-chan struct{}       { return s.done }
func (s *shutdownSignal) Value(key any) any           { return nil }
func (s *shutdownSignal) Err() error {
	select {
	case <-s.done:
		return context.Canceled
	default:
		return nil
	}
}

var serviceCtx = &shutdownSignal{done: make(chan struct{})}

// fetchProfile discards the cancel func: the child context, its timer and
// its watcher goroutine stay until the deadline.
func fetchProfile(ctx context.Context, id int) error {
	ctx, _ = context.WithTimeout(ctx, 10*time.Minute)
	return loadProfile(ctx, id)
}

func loadProfile(ctx context.Context, id int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintln(io.Discard, "loaded profile", id)
	return nil
}

func runProfiles(e *env) {
	requests(15, func(i int) {
		_ = fetchProfile(serviceCtx, i)
	})
}

// --- sleep-poll -------------------------------------------------------------

// pollQueue checks its queue and sleeps. It looks at ctx only between
// sleeps, so a shutdown waits up to 30 s per poller.
func pollQueue(ctx context.Context, name string) {
	for {
		select {
		case <-ctx.Done():
			return
		default:
			fmt.Fprintln(io.Discard, "checking queue", name)
			time.Sleep(30 * time.Second)
		}
	}
}

type pollerGroup struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var pollers pollerGroup

// Stop is the service shutdown: it cancels the pollers and waits for them,
// which takes up to 30 s.
func (g *pollerGroup) Stop() {
	g.cancel()
	g.wg.Wait()
}

func runPollers(e *env) {
	ctx, cancel := context.WithCancel(context.Background())
	pollers.cancel = cancel
	for i := range 15 {
		pollers.wg.Add(1)
		go func() {
			defer pollers.wg.Done()
			pollQueue(ctx, fmt.Sprintf("queue-%02d", i))
		}()
	}
}

// --- ticker-goroutine -------------------------------------------------------

type Cache struct {
	name      string
	refreshes atomic.Int64
}

// NewCache starts a refresh loop that has no way to stop.
func NewCache(name string) *Cache {
	c := &Cache{name: name}
	go c.refreshLoop()
	return c
}

func (c *Cache) refreshLoop() {
	t := time.NewTicker(time.Minute)
	for range t.C {
		c.refreshes.Add(1)
	}
}

func runCaches(e *env) {
	// A per-request cache: every request leaves its refresh loop behind.
	requests(15, func(i int) {
		c := NewCache(fmt.Sprintf("prices-%02d", i))
		fmt.Fprintln(io.Discard, c.name)
	})
}

// --- unbounded-spawn --------------------------------------------------------

var shuttingDown = make(chan struct{})

func produce(n int) <-chan string {
	msgs := make(chan string)
	go func() {
		defer close(msgs)
		for i := range n {
			msgs <- fmt.Sprint("msg-", i)
		}
	}()
	return msgs
}

// consume starts one goroutine per message, with no upper bound.
func consume(msgs <-chan string) {
	for m := range msgs {
		go handleMessage(m)
	}
}

// handleMessage waits for a slow downstream call (simulated by a long timer).
func handleMessage(msg string) {
	select {
	case <-time.After(10 * time.Minute):
		fmt.Fprintln(io.Discard, "handled", msg)
	case <-shuttingDown:
	}
}

// --- idle-pool (healthy) ----------------------------------------------------

type job struct{ id int }

// Pool is a fixed pool of workers fed by one channel.
type Pool struct {
	jobs chan job
	done atomic.Int64
}

func NewPool(workers int) *Pool {
	p := &Pool{jobs: make(chan job)}
	for range workers {
		go p.worker()
	}
	return p
}

func (p *Pool) worker() {
	for j := range p.jobs {
		fmt.Fprintln(io.Discard, "job", j.id)
		p.done.Add(1)
	}
}

func (p *Pool) Submit(j job) { p.jobs <- j }

var idleMux = http.NewServeMux()

func runIdlePool(e *env) {
	pool := NewPool(8)
	for i := range 20 {
		pool.Submit(job{id: i})
	}
	idleMux.HandleFunc("POST /jobs", func(w http.ResponseWriter, r *http.Request) {
		pool.Submit(job{id: int(pool.done.Load())})
		w.WriteHeader(http.StatusAccepted)
	})
}

// serveForever serves h on 127.0.0.1 from the calling goroutine (main).
func serveForever(h http.Handler) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	srv := newServer(h)
	_ = srv.Serve(ln)
}

// shutdownPollers is the service shutdown in main, once the pollers run.
func shutdownPollers(e *env) {
	waitLeaking(e.sc)
	pollers.Stop()
}

func startConsumer(e *env) { go consume(produce(3000)) }

func serveJobs(e *env) { serveForever(idleMux) }
