// Command dumpgen parks a large number of goroutines on about 25 realistic code
// paths and writes the runtime's goroutine dump (pprof debug=2) to stdout.
//
//	go build -trimpath -o dumpgen . && ./dumpgen -n 100000 > goroutines.txt
//
// It is the input generator of benchmarks/dump_bench.py. The goroutines wait in
// channel sends and receives, selects, sync.Mutex / RWMutex / WaitGroup / Cond /
// Once, time.Sleep, and IO wait on real 127.0.0.1 TCP connections, an HTTP
// client and server, and pipes; at call depths 2 to 8, in closures and methods,
// some started by other goroutines, some with pprof labels. Once every one of
// them is parked (runtime.NumGoroutine reached and steady, no goroutine but this
// one running or runnable), the dump is written and the program exits.
//
// The runtime stops a debug=2 dump at 64 MiB (about 300,000 goroutines of this
// program); -n beyond that gives a cut dump. A summary goes to stderr.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// parked counts the planned goroutines that reached the point where they block.
var parked atomic.Int64

func arrive() { parked.Add(1) }

// keepAlive holds what must outlive the goroutines (connections, cancel funcs).
var keepAlive []any

// forever is longer than any run of this program.
const forever = 24 * time.Hour

// ---------------------------------------------------------------------------
// Shared state the goroutines block on. main holds the locks and never lets go.

type Order struct {
	ID    int64
	Items []string
}

var (
	never    = make(chan struct{}) // never closed, never sent to
	orders   = make(chan Order)    // unbuffered, nobody receives
	results  = make(chan []byte)   // unbuffered, nobody receives
	limiter  = make(chan struct{}, 8)
	cacheMu  sync.Mutex     // held by main
	regRW    sync.RWMutex   // write-locked by main: readers wait
	cfgRW    sync.RWMutex   // read-locked by main: writers wait
	batchWG  sync.WaitGroup // Add(1), never Done
	initOnce sync.Once
)

// ---------------------------------------------------------------------------
// 1. chan send on an unbuffered channel nobody reads: method, depth 3.

type OrderProducer struct{ topic string }

//go:noinline
func (p *OrderProducer) Run(id int64) { p.publish(Order{ID: id, Items: []string{p.topic}}) }

//go:noinline
func (p *OrderProducer) publish(o Order) {
	arrive()
	orders <- o
}

// ---------------------------------------------------------------------------
// 2. chan receive in a consumer loop: depth 4.

type EventConsumer struct{ in <-chan []byte }

//go:noinline
func (c *EventConsumer) Start() { c.loop() }

//go:noinline
func (c *EventConsumer) loop() {
	for {
		if !c.next() {
			return
		}
	}
}

//go:noinline
func (c *EventConsumer) next() bool {
	arrive()
	b, ok := <-c.in
	_ = b
	return ok
}

// ---------------------------------------------------------------------------
// 3. fan-in select over two channels, in a closure: depth 2.

func startFanIn(n int) {
	a, b := make(chan int), make(chan string)
	for range n {
		go func() {
			arrive()
			select {
			case v := <-a:
				_ = v
			case s := <-b:
				_ = s
			}
		}()
	}
}

// ---------------------------------------------------------------------------
// 4. poller: select on a ticker and a quit channel.

type Poller struct {
	every time.Duration
	quit  chan struct{}
}

//go:noinline
func (p *Poller) Loop() {
	t := time.NewTicker(p.every)
	defer t.Stop()
	arrive()
	for {
		select {
		case <-t.C:
			p.poll()
		case <-p.quit:
			return
		}
	}
}

//go:noinline
func (p *Poller) poll() {}

// ---------------------------------------------------------------------------
// 5. sync.Mutex.Lock on a cache lock main holds: depth 3.

type Cache struct{ m map[string][]byte }

var cache = &Cache{m: map[string][]byte{}}

//go:noinline
func (c *Cache) Get(k string) []byte { return c.lookup(k) }

//go:noinline
func (c *Cache) lookup(k string) []byte {
	arrive()
	cacheMu.Lock()
	defer cacheMu.Unlock()
	return c.m[k]
}

// ---------------------------------------------------------------------------
// 6. sync.RWMutex.RLock: readers of a registry main write-locked.

type Registry struct{ services map[string]string }

var registry = &Registry{services: map[string]string{}}

//go:noinline
func (r *Registry) Resolve(name string) string {
	arrive()
	regRW.RLock()
	defer regRW.RUnlock()
	return r.services[name]
}

// ---------------------------------------------------------------------------
// 7. sync.RWMutex.Lock: writers of a config main read-locked (the first waits
// in RWMutex.Lock, the rest on its inner Mutex).

type Config struct{ values map[string]string }

var config = &Config{values: map[string]string{}}

//go:noinline
func reloadConfig(src string) { config.apply(src) }

//go:noinline
func (c *Config) apply(src string) {
	arrive()
	cfgRW.Lock()
	defer cfgRW.Unlock()
	c.values["src"] = src
}

// ---------------------------------------------------------------------------
// 8. sync.WaitGroup.Wait on a batch that never finishes: depth 2.

//go:noinline
func awaitBatch(id int) {
	arrive()
	batchWG.Wait()
}

// ---------------------------------------------------------------------------
// 9. sync.Cond.Wait: a job queue that stays empty: depth 3.

type JobQueue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
}

func newJobQueue() *JobQueue {
	q := &JobQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

var jobs = newJobQueue()

//go:noinline
func (q *JobQueue) Work() { _ = q.Pop() }

//go:noinline
func (q *JobQueue) Pop() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	arrive()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it
}

// ---------------------------------------------------------------------------
// 10. time.Sleep in a retry backoff: depth 5.

//go:noinline
func retryLoop(op string) { attempt(op, 1) }

//go:noinline
func attempt(op string, n int) {
	if n > 0 {
		backoff(n)
	}
}

//go:noinline
func backoff(n int) { sleepFor(time.Duration(n) * forever) }

//go:noinline
func sleepFor(d time.Duration) {
	arrive()
	time.Sleep(d)
}

// ---------------------------------------------------------------------------
// 11. chan receive on a nil channel (a field never set), closure in a loop.

type subscription struct{ updates chan string }

func startNilReceivers(n int) {
	for i := range n {
		s := &subscription{}
		go func() {
			arrive()
			for u := range s.updates {
				_ = u + fmt.Sprint(i)
			}
		}()
	}
}

// ---------------------------------------------------------------------------
// 12. chan send on a nil channel: depth 3.

type notifier struct{ out chan<- string }

//go:noinline
func (n *notifier) Notify(msg string) { n.send(msg) }

//go:noinline
func (n *notifier) send(msg string) {
	arrive()
	n.out <- msg
}

// ---------------------------------------------------------------------------
// 13. select {} in a daemon that was meant to run forever.

//go:noinline
func daemon(name string) {
	arrive()
	select {}
}

// ---------------------------------------------------------------------------
// 14. <-ctx.Done() on a context nobody cancels, with pprof labels.

//go:noinline
func watchStream(ctx context.Context, id int) {
	arrive()
	<-ctx.Done()
}

func startWatchers(n int) {
	ctx, cancel := context.WithCancel(context.Background()) // cancel is never called
	keepAlive = append(keepAlive, cancel)
	pprof.Do(ctx, pprof.Labels("rpc", "/orders.v1.Orders/Watch", "tenant", "acme"), func(ctx context.Context) {
		for i := range n {
			go watchStream(ctx, i)
		}
	})
}

// ---------------------------------------------------------------------------
// 15. sync.Once whose function blocks: the first caller waits in the function,
// the others in Once's mutex.

//go:noinline
func loadSchema() {
	<-never
}

//go:noinline
func ensureSchema() {
	arrive()
	initOnce.Do(loadSchema)
}

// ---------------------------------------------------------------------------
// 16. a full semaphore channel: chan send at depth 4.

//go:noinline
func handleUpload(id int) { processUpload(id) }

//go:noinline
func processUpload(id int) { acquire() }

//go:noinline
func acquire() {
	arrive()
	limiter <- struct{}{}
}

// ---------------------------------------------------------------------------
// 17. a recursive tree walk blocked at the leaves: depth 8.

type node struct {
	children []*node
	ready    chan struct{}
}

//go:noinline
func walk(n *node, depth int) {
	if depth > 0 {
		walk(n, depth-1)
		return
	}
	visit(n)
}

//go:noinline
func visit(n *node) {
	arrive()
	<-n.ready
}

// ---------------------------------------------------------------------------
// 18 + 19. a worker pool started by a dispatcher goroutine: the dispatcher waits
// on its WaitGroup, the workers in `for job := range jobs`.

type Pool struct {
	jobs chan func()
	wg   sync.WaitGroup
}

//go:noinline
func (p *Pool) Run(workers int) {
	for range workers {
		p.wg.Add(1)
		go p.worker()
	}
	arrive()
	p.wg.Wait()
}

//go:noinline
func (p *Pool) worker() {
	defer p.wg.Done()
	arrive()
	for job := range p.jobs {
		job()
	}
}

// ---------------------------------------------------------------------------
// 20 + 21 + 22. supervisor -> manager -> worker, three generations of goroutines.

type Supervisor struct{ restart chan string }

//go:noinline
func (s *Supervisor) Supervise(managers, workers int) {
	for range managers {
		go s.manage(workers)
	}
	arrive()
	for {
		select {
		case name := <-s.restart:
			_ = name
		case <-never:
			return
		}
	}
}

//go:noinline
func (s *Supervisor) manage(workers int) {
	done := make(chan struct{})
	for i := range workers {
		go func() {
			shardWorker(i, done)
		}()
	}
	arrive()
	<-done
}

//go:noinline
func shardWorker(shard int, done chan struct{}) {
	tick := make(chan time.Time)
	arrive()
	select {
	case <-tick:
	case <-done:
	}
}

// ---------------------------------------------------------------------------
// 23. the classic timeout leak: the caller gave up, the result sender blocks
// forever on an unbuffered channel (a closure started by a function).

//go:noinline
func fetchWithTimeout(url string) {
	res := results
	go func() {
		body := []byte(url)
		arrive()
		res <- body
	}()
}

// ---------------------------------------------------------------------------
// 24. select with a long time.After: a request waiting for a reply or timeout.

//go:noinline
func callBackend(req int) { awaitReply(req, make(chan int)) }

//go:noinline
func awaitReply(req int, reply chan int) {
	timeout := time.After(forever)
	arrive()
	select {
	case <-reply:
	case <-timeout:
	}
}

// ---------------------------------------------------------------------------
// 25. IO wait: a line-protocol TCP server and its clients on 127.0.0.1, a
// writer stuck on a peer that never reads, log tailers on pipes, and an HTTP
// client and server with idle keep-alive connections.

type session struct {
	conn net.Conn
	r    *bufio.Reader
}

//go:noinline
func acceptLoop(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s := &session{conn: c, r: bufio.NewReader(c)}
		go s.serve()
	}
}

//go:noinline
func (s *session) serve() {
	for {
		if _, err := s.readRequest(); err != nil {
			return
		}
	}
}

//go:noinline
func (s *session) readRequest() (string, error) {
	arrive()
	return s.r.ReadString('\n')
}

type client struct{ conn net.Conn }

//go:noinline
func (c *client) readResponses() {
	sc := bufio.NewScanner(c.conn)
	arrive()
	for sc.Scan() {
		_ = sc.Text()
	}
}

//go:noinline
func sinkAccept(ln net.Listener, held *[]net.Conn, mu *sync.Mutex) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		mu.Lock()
		*held = append(*held, c) // accepted, never read
		mu.Unlock()
	}
}

//go:noinline
func (c *client) uploadBlob(size int) {
	blob := make([]byte, size)
	arrive()
	_, _ = c.conn.Write(blob)
}

type logTailer struct{ f *os.File }

//go:noinline
func (t *logTailer) follow() {
	sc := bufio.NewScanner(t.f)
	arrive()
	for sc.Scan() {
		_ = sc.Text()
	}
}

// startNetwork starts the IO-wait goroutines and returns how many of them
// arrive() (the HTTP goroutines belong to net/http and are not counted).
func startNetwork(conns, writers, pipes, httpConns int) (planned int, keep []any) {
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "dumpgen:", err)
			os.Exit(2)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	go acceptLoop(ln)
	for range conns {
		c, err := net.Dial("tcp", ln.Addr().String())
		must(err)
		_, err = io.WriteString(c, "HELLO\n")
		must(err)
		cl := &client{conn: c}
		go cl.readResponses()
		keep = append(keep, c)
	}
	planned += 2 * conns

	sink, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	var held []net.Conn
	var heldMu sync.Mutex
	go sinkAccept(sink, &held, &heldMu)
	for range writers {
		c, err := net.Dial("tcp", sink.Addr().String())
		must(err)
		cl := &client{conn: c}
		go cl.uploadBlob(64 << 20) // far more than the socket buffers take
		keep = append(keep, c)
	}
	planned += writers
	keep = append(keep, &held, ln, sink)

	for range pipes {
		r, w, err := os.Pipe()
		must(err)
		t := &logTailer{f: r}
		go t.follow()
		keep = append(keep, r, w)
	}
	planned += pipes

	if httpConns > 0 {
		hln, err := net.Listen("tcp", "127.0.0.1:0")
		must(err)
		var arrived sync.WaitGroup
		arrived.Add(httpConns)
		release := make(chan struct{})
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			arrived.Done()
			<-release // hold every request until all connections are open
			io.WriteString(w, "ok\n")
		})}
		go srv.Serve(hln)
		tr := &http.Transport{MaxIdleConnsPerHost: httpConns, MaxConnsPerHost: httpConns}
		hc := &http.Client{Transport: tr}
		var got sync.WaitGroup
		for range httpConns {
			got.Add(1)
			go func() {
				defer got.Done()
				resp, err := hc.Get("http://" + hln.Addr().String() + "/v1/health")
				must(err)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close() // back to the idle pool: readLoop and writeLoop stay
			}()
		}
		arrived.Wait()
		close(release)
		got.Wait()
		keep = append(keep, srv, tr, hln)
	}
	return planned, keep
}

// ---------------------------------------------------------------------------

type path struct {
	name   string
	weight int
	start  func(n int) // starts exactly n goroutines that arrive()
}

func paths() []path {
	return []path{
		{"chan send: (*OrderProducer).publish", 8, func(n int) {
			p := &OrderProducer{topic: "orders.created"}
			for i := range n {
				go p.Run(int64(i))
			}
		}},
		{"chan receive: (*EventConsumer).next", 8, func(n int) {
			in := make(chan []byte)
			for range n {
				c := &EventConsumer{in: in}
				go c.Start()
			}
		}},
		{"select: fan-in closure", 5, startFanIn},
		{"select: (*Poller).Loop ticker", 4, func(n int) {
			quit := make(chan struct{})
			for i := range n {
				p := &Poller{every: forever + time.Duration(i), quit: quit}
				go p.Loop()
			}
		}},
		{"sync.Mutex.Lock: (*Cache).lookup", 6, func(n int) {
			for i := range n {
				go cache.Get(fmt.Sprint("user:", i))
			}
		}},
		{"sync.RWMutex.RLock: (*Registry).Resolve", 4, func(n int) {
			for range n {
				go registry.Resolve("payments")
			}
		}},
		{"sync.RWMutex.Lock: (*Config).apply", 2, func(n int) {
			for range n {
				go reloadConfig("/etc/app/config.yaml")
			}
		}},
		{"sync.WaitGroup.Wait: awaitBatch", 4, func(n int) {
			for i := range n {
				go awaitBatch(i)
			}
		}},
		{"sync.Cond.Wait: (*JobQueue).Pop", 4, func(n int) {
			for range n {
				go jobs.Work()
			}
		}},
		{"sleep: retryLoop backoff", 5, func(n int) {
			for range n {
				go retryLoop("charge")
			}
		}},
		{"chan receive (nil chan): subscription closure", 3, startNilReceivers},
		{"chan send (nil chan): (*notifier).send", 2, func(n int) {
			nt := &notifier{}
			for range n {
				go nt.Notify("reindex")
			}
		}},
		{"select (no cases): daemon", 1, func(n int) {
			for range n {
				go daemon("metrics-flusher")
			}
		}},
		{"chan receive: watchStream <-ctx.Done() (labels)", 5, startWatchers},
		{"sync.Once: ensureSchema", 2, func(n int) {
			for range n {
				go ensureSchema()
			}
		}},
		{"chan send: full semaphore acquire", 4, func(n int) {
			for i := range n {
				go handleUpload(i)
			}
		}},
		{"chan receive: recursive walk", 4, func(n int) {
			root := &node{ready: make(chan struct{})}
			for range n {
				go walk(root, 6)
			}
		}},
		{"pool: (*Pool).Run + (*Pool).worker", 8, func(n int) {
			// one dispatcher per 64 workers
			for n > 0 {
				w := min(64, n-1)
				if w <= 0 {
					go daemon("pool-leftover")
					n--
					continue
				}
				p := &Pool{jobs: make(chan func())}
				go p.Run(w)
				n -= w + 1
			}
		}},
		{"tree: (*Supervisor).Supervise/manage/shardWorker", 8, func(n int) {
			// per supervisor: 4 managers of 32 workers = 133 goroutines
			for n > 0 {
				managers, workers := 4, 32
				if n < 1+managers*(workers+1) {
					managers, workers = 1, n-2
					if workers < 0 {
						go daemon("supervisor-leftover")
						n--
						continue
					}
				}
				s := &Supervisor{restart: make(chan string)}
				go s.Supervise(managers, workers)
				n -= 1 + managers*(workers+1)
			}
		}},
		{"chan send: fetchWithTimeout closure", 6, func(n int) {
			for i := range n {
				fetchWithTimeout(fmt.Sprintf("https://inventory.internal/items/%d", i))
			}
		}},
		{"select: awaitReply time.After", 5, func(n int) {
			for i := range n {
				go callBackend(i)
			}
		}},
	}
}

func main() {
	n := flag.Int("n", 100000, "goroutines to park (about; the IO and HTTP goroutines are added to it)")
	conns := flag.Int("conns", 16, "TCP connections to a line-protocol server (2 goroutines in IO wait each)")
	writers := flag.Int("writers", 2, "TCP connections whose peer never reads (a writer in IO wait each)")
	pipes := flag.Int("pipes", 3, "pipes with a reader in IO wait")
	httpConns := flag.Int("http", 4, "idle HTTP keep-alive connections (net/http goroutines)")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up waiting for the goroutines to park; dump anyway")
	debug := flag.Int("debug", 2, "the pprof form to write: 2 (text, the default), 1 (grouped text) or 0 (protobuf)")
	flag.Parse()

	start := time.Now()
	cacheMu.Lock()
	regRW.Lock()
	cfgRW.RLock()
	batchWG.Add(1)
	for range cap(limiter) {
		limiter <- struct{}{}
	}

	base := runtime.NumGoroutine()
	netPlanned, keep := startNetwork(*conns, *writers, *pipes, *httpConns)
	// The acceptors and the HTTP goroutines park but do not arrive(): count them
	// once the network has settled.
	waitParked(int64(netPlanned), 0, *timeout)
	extra := runtime.NumGoroutine() - base - netPlanned

	ps := paths()
	total := 0
	for _, p := range ps {
		total += p.weight
	}
	remaining := max(*n-netPlanned, len(ps))
	planned := netPlanned
	for i, p := range ps {
		k := remaining * p.weight / total
		if i == len(ps)-1 {
			k = remaining - (planned - netPlanned)
		}
		k = max(k, 1)
		p.start(k)
		planned += k
	}

	want := base + planned + extra
	settled := waitParked(int64(planned), want, *timeout)
	fmt.Fprintf(os.Stderr, "dumpgen: %d goroutines (%d planned on %d paths + %d IO/HTTP helpers + %d base), parked=%v after %s\n",
		runtime.NumGoroutine(), planned, len(ps)+5, extra, base, settled, time.Since(start).Round(time.Millisecond))

	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	if err := pprof.Lookup("goroutine").WriteTo(w, *debug); err != nil {
		fmt.Fprintln(os.Stderr, "dumpgen:", err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "dumpgen:", err)
		os.Exit(1)
	}
	runtime.KeepAlive(keep)
	os.Exit(0)
}

// waitParked polls until every planned goroutine arrived, runtime.NumGoroutine
// reached want and stayed put, and a stack dump shows no goroutine but this one
// running, runnable or in a syscall.
func waitParked(planned int64, want int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	last, steady := -1, 0
	var buf []byte
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		g := runtime.NumGoroutine()
		if parked.Load() < planned || g < want {
			last, steady = g, 0
			continue
		}
		if g == last {
			steady++
		} else {
			last, steady = g, 0
		}
		if steady < 3 {
			continue
		}
		if buf == nil {
			buf = make([]byte, 64<<20)
		}
		k := runtime.Stack(buf, true)
		if busy(buf[:k]) == 0 {
			return true
		}
		steady = 0
	}
	return false
}

// busy counts goroutine headers whose status is not a wait, other than the
// caller's own [running].
func busy(dump []byte) int {
	n := -1 // this goroutine
	for len(dump) > 0 {
		line := dump
		if i := bytes.IndexByte(dump, '\n'); i >= 0 {
			line, dump = dump[:i], dump[i+1:]
		} else {
			dump = nil
		}
		if !bytes.HasPrefix(line, []byte("goroutine ")) {
			continue
		}
		i := bytes.IndexByte(line, '[')
		if i < 0 {
			continue
		}
		st := string(line[i+1:])
		if strings.HasPrefix(st, "running") || strings.HasPrefix(st, "runnable") || strings.HasPrefix(st, "syscall") {
			n++
		}
	}
	return n
}
