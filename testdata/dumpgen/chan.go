package main

// Channel and select leaks: chan-send-orphan, chan-recv-orphan,
// range-unclosed, nil-chan, select-all-nil, select-empty.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register(&scenario{
		Name: "chan-send-orphan", Expect: "chan-send-orphan",
		LeakFunc: `^main\.fetchQuote\.func1$`, State: `^chan send$`, Count: 15,
		Formats: []string{"debug1", "leak1", "proto", "traces", "minutes", "wrapped-ansi"},
		run:     runQuoteRequests,
	})
	register(&scenario{
		Name: "chan-recv-orphan", Expect: "chan-recv-orphan",
		LeakFunc: `^main\.handleOrder\.func1$`, State: `^chan receive$`, Count: 15,
		Formats: []string{"stack", "ancestors"},
		run:     runOrders,
	})
	register(&scenario{
		Name: "range-unclosed", Expect: "range-unclosed",
		LeakFunc: `^main\.resizeWorker$`, State: `^chan receive$`, Count: 16,
		Formats: []string{"debug1", "leak1", "proto", "traces", "wrapped-two"},
		run:     runResizeBatches,
	})
	register(&scenario{
		Name: "nil-chan", Expect: "nil-chan",
		LeakFunc: `^main\.\(\*jobQueue\)\.(Run|Submit)$`, State: `^chan (receive|send) \(nil chan\)$`, Count: 15,
		run: runNilQueues,
	})
	register(&scenario{
		Name: "select-all-nil", Expect: "select-all-nil",
		LeakFunc: `^main\.mergeFeeds$`, State: `^select$`, Count: 15,
		run: runMerges,
	})
	register(&scenario{
		Name: "select-empty", Expect: "select-empty",
		LeakFunc: `^main\.\(\*Scheduler\)\.run$`, State: `^select \(no cases\)$`, Count: 15,
		Formats: []string{"ancestors"},
		run:     runSchedulers,
	})
}

// requests runs handle(i) for i in [0, n) on one goroutine each, the way a
// server runs handlers, and waits for the handlers to return.
func requests(n int, handle func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handle(i)
		}()
	}
	wg.Wait()
}

// --- chan-send-orphan -------------------------------------------------------

var errQuoteTimeout = errors.New("pricing backend timed out")

// fetchQuote asks a slow pricing backend and gives up after timeout. The
// worker then blocks forever on the unbuffered send.
func fetchQuote(ctx context.Context, symbol string, timeout time.Duration) (float64, error) {
	prices := make(chan float64) // unbuffered
	go func() {
		prices <- slowPricingBackend(symbol)
	}()
	select {
	case p := <-prices:
		return p, nil
	case <-time.After(timeout):
		return 0, errQuoteTimeout
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func slowPricingBackend(symbol string) float64 {
	time.Sleep(200 * time.Millisecond)
	return float64(len(symbol)) * 1.25
}

func runQuoteRequests(e *env) {
	symbols := []string{"ACME", "GLBX", "INIT", "UMBR", "WAYN"}
	requests(15, func(i int) {
		tenant := "acme-corp"
		if i%3 == 2 {
			tenant = "globex"
		}
		labels := pprof.Labels("http.route", "/api/quote", "tenant", tenant)
		pprof.Do(context.Background(), labels, func(ctx context.Context) {
			_, _ = fetchQuote(ctx, symbols[i%len(symbols)], 10*time.Millisecond)
		})
	})
}

// --- chan-recv-orphan -------------------------------------------------------

type order struct {
	ID    string
	Items int
}

func (o order) validate() error {
	if o.Items == 0 {
		return fmt.Errorf("order %s: no items", o.ID)
	}
	return nil
}

// handleOrder starts an audit goroutine that waits for the stored order id,
// which is sent only on success: a rejected order leaves it waiting.
func handleOrder(o order) error {
	stored := make(chan string)
	go func() {
		id := <-stored
		fmt.Fprintln(io.Discard, "audit: stored", id)
	}()
	if err := o.validate(); err != nil {
		return err
	}
	stored <- o.ID
	return nil
}

func runOrders(e *env) {
	// 20 orders, 15 of them rejected.
	requests(20, func(i int) {
		o := order{ID: fmt.Sprintf("ord-%03d", i), Items: 0}
		if i%4 == 0 {
			o.Items = 3
		}
		_ = handleOrder(o)
	})
}

// --- range-unclosed ---------------------------------------------------------

// resizeImages starts a pool of four workers per batch and feeds it, but never
// closes jobs: the workers wait in for-range forever.
func resizeImages(batch []string) {
	jobs := make(chan string)
	for range 4 {
		go resizeWorker(jobs)
	}
	for _, p := range batch {
		jobs <- p
	}
}

func resizeWorker(jobs <-chan string) {
	for path := range jobs {
		fmt.Fprintln(io.Discard, "resized", path)
	}
}

func runResizeBatches(e *env) {
	requests(4, func(i int) {
		batch := make([]string, 10)
		for j := range batch {
			batch[j] = fmt.Sprintf("upload/%d/img%02d.jpg", i, j)
		}
		resizeImages(batch)
	})
}

// --- nil-chan ---------------------------------------------------------------

type jobQueue struct {
	name  string
	items chan string
}

func newJobQueue(name string) *jobQueue {
	return &jobQueue{name: name, items: make(chan string, 16)}
}

// Run consumes the queue. On a queue built without newJobQueue, items is nil
// and Run blocks forever.
func (q *jobQueue) Run() {
	for it := range q.items {
		fmt.Fprintln(io.Discard, q.name, it)
	}
}

// Submit blocks forever on a nil channel.
func (q *jobQueue) Submit(job string) {
	q.items <- job
}

func runNilQueues(e *env) {
	_ = newJobQueue // the constructor exists; the config loader bypasses it
	queues := []*jobQueue{{name: "email"}, {name: "sms"}, {name: "push"}}
	for _, q := range queues {
		go q.Run()
	}
	for i := range 12 {
		q := queues[i%len(queues)]
		go q.Submit(fmt.Sprintf("job-%02d", i))
	}
}

// --- select-all-nil ---------------------------------------------------------

type event struct {
	Feed string
	Seq  int
}

// mergeFeeds forwards two feeds into out. It disables a case by setting its
// channel to nil when the feed closes, but never returns once both are nil.
func mergeFeeds(a, b <-chan event, out chan<- event) {
	for {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			out <- v
		case v, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			out <- v
		}
	}
}

func runMerges(e *env) {
	requests(15, func(i int) {
		a, b := make(chan event), make(chan event)
		out := make(chan event, 4)
		go mergeFeeds(a, b, out)
		a <- event{"trades", i}
		b <- event{"quotes", i}
		close(a)
		close(b)
		<-out
		<-out
	})
}

// --- select-empty -----------------------------------------------------------

// Scheduler is a small library type: Start runs the tenant's jobs on a
// goroutine that then parks with select {} "to keep the scheduler alive".
type Scheduler struct {
	tenant string
	jobs   []string
}

func (s *Scheduler) Start() {
	go s.run()
}

func (s *Scheduler) run() {
	for _, j := range s.jobs {
		fmt.Fprintln(io.Discard, s.tenant, "scheduled", j)
	}
	select {}
}

func runSchedulers(e *env) {
	requests(15, func(i int) {
		s := &Scheduler{tenant: fmt.Sprintf("tenant-%02d", i), jobs: []string{"backup", "report"}}
		s.Start()
	})
}
