package main

// sync leaks: wg-missing-done, wg-copied, mutex-unreleased,
// rwmutex-reentrant, cond-no-signal.

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	register(&scenario{
		Name: "wg-missing-done", Expect: "wg-missing-done",
		LeakFunc: `^main\.processAll$`, State: `^sync\.WaitGroup\.Wait$`, Count: 15,
		Formats: []string{"fatal", "testtimeout"},
		TestRun: `^TestNightlyBatches$`,
		run:     startNightlyJob,
		fatal:   runNightlyJob,
	})
	register(&scenario{
		Name: "wg-copied", Expect: "wg-copied",
		LeakFunc: `^main\.sendNotifications$`, State: `^sync\.WaitGroup\.Wait$`, Count: 15,
		run: runNotifications,
	})
	register(&scenario{
		Name: "mutex-unreleased", Expect: "mutex-unreleased",
		LeakFunc: `^main\.\(\*Account\)\.(Withdraw|Balance)$`, State: `^sync\.Mutex\.Lock$`, Count: 15,
		Formats: []string{"panic", "wrapped-timestamps"},
		run:     runAccounts,
	})
	register(&scenario{
		Name: "rwmutex-reentrant", Expect: "rwmutex-reentrant",
		LeakFunc: `^main\.\(\*Registry\)\.(Len|Set)$`, State: `^sync\.(RWMutex\.R?Lock|Mutex\.Lock)$`, Count: 15,
		Formats: []string{"fatal"},
		run:     startRegistryUsers,
		fatal:   runRegistryUsers,
	})
	register(&scenario{
		Name: "cond-no-signal", Expect: "cond-no-signal",
		LeakFunc: `^main\.\(\*workQueue\)\.Get$`, State: `^sync\.Cond\.Wait$`, Count: 15,
		run: runWorkQueue,
	})
}

// --- wg-missing-done --------------------------------------------------------

var recordErrors atomic.Int64

func processRecord(id int) error {
	if id%4 == 3 {
		return fmt.Errorf("record %d: checksum mismatch", id)
	}
	return nil
}

// processAll skips wg.Done on the error path, so Wait never returns.
func processAll(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			if err := processRecord(id); err != nil {
				recordErrors.Add(1)
				return // wg.Done is skipped
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

// runBatches is the nightly job: it processes n batches in parallel and
// waits for all of them.
func runBatches(n int) {
	var wg sync.WaitGroup
	for b := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids := make([]int, 8)
			for i := range ids {
				ids[i] = b*8 + i
			}
			processAll(ids)
		}()
	}
	wg.Wait()
}

// --- wg-copied --------------------------------------------------------------

// notify gets a copy of the WaitGroup: Done decrements the copy.
func notify(user string, wg sync.WaitGroup) {
	defer wg.Done()
	fmt.Fprintln(io.Discard, "notified", user)
}

func sendNotifications(users []string) {
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go notify(u, wg)
	}
	wg.Wait()
}

func runNotifications(e *env) {
	for i := range 15 {
		go sendNotifications([]string{fmt.Sprintf("user%02d@example.com", i), "ops@example.com"})
	}
}

// --- mutex-unreleased -------------------------------------------------------

var errInsufficientFunds = errors.New("insufficient funds")

type Account struct {
	mu      sync.Mutex
	id      int
	balance int
}

// Withdraw returns early with the lock held.
func (a *Account) Withdraw(n int) error {
	a.mu.Lock()
	if n > a.balance {
		return errInsufficientFunds
	}
	a.balance -= n
	a.mu.Unlock()
	return nil
}

func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

func runAccounts(e *env) {
	acct := &Account{id: 7, balance: 100}
	_ = acct.Withdraw(40)
	_ = acct.Withdraw(500) // fails and keeps the lock
	for i := range 15 {
		if i%3 == 2 {
			go acct.Balance()
		} else {
			go acct.Withdraw(10)
		}
	}
}

// printStatement crashes on a nil account (the panic fixture).
func printStatement(a *Account) string {
	return fmt.Sprintf("account %d", a.id)
}

// --- rwmutex-reentrant ------------------------------------------------------

type Registry struct {
	mu    sync.RWMutex
	items map[string]int
}

func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.items)
}

// Summary read-locks and then calls Len, which read-locks again. A writer
// queued in between makes the second RLock wait for the writer, which waits
// for the first RLock.
func (r *Registry) Summary() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	time.Sleep(300 * time.Millisecond)
	return fmt.Sprintf("%d items", r.Len())
}

func (r *Registry) Set(k string, v int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items[k] = v
}

// lockRegistry: 10 readers in Summary, one writer arriving while they hold
// the read lock, then 4 more writers. The returned group completes only if
// nothing deadlocks.
func lockRegistry() *sync.WaitGroup {
	r := &Registry{items: map[string]int{"a": 1}}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = r.Summary()
		}()
	}
	// Each step waits until the previous goroutines are parked, so the
	// interleaving does not depend on the scheduler.
	waitFor(`^main\.\(\*Registry\)\.Summary$`, `^sleep$`, 10)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Set(fmt.Sprintf("k%d", i), i)
		}()
		waitFor(`^main\.\(\*Registry\)\.Set$`, `^sync\.(RWMutex|Mutex)\.Lock$`, i+1)
	}
	return &wg
}

// --- cond-no-signal ---------------------------------------------------------

type workQueue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
}

func newWorkQueue() *workQueue {
	q := &workQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Put forgets q.cond.Signal: waiting consumers never wake up.
func (q *workQueue) Put(s string) {
	q.mu.Lock()
	q.items = append(q.items, s)
	q.mu.Unlock()
}

func (q *workQueue) Get() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	s := q.items[0]
	q.items = q.items[1:]
	return s
}

func consumeJobs(q *workQueue) {
	for {
		job := q.Get()
		fmt.Fprintln(io.Discard, "ran", job)
	}
}

func runWorkQueue(e *env) {
	q := newWorkQueue()
	for range 15 {
		go consumeJobs(q)
	}
	time.Sleep(20 * time.Millisecond)
	for i := range 3 {
		q.Put(fmt.Sprintf("job-%d", i))
	}
}

func startNightlyJob(e *env) { go runBatches(15) }

// runNightlyJob runs the job in main: the program deadlocks.
func runNightlyJob(e *env) { runBatches(15) }

func startRegistryUsers(e *env) { lockRegistry() }

// runRegistryUsers waits for the registry users in main: the program
// deadlocks.
func runRegistryUsers(e *env) { lockRegistry().Wait() }
