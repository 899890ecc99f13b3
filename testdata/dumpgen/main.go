// Command dumpgen sets up one goroutine-leak scenario and lets the Go runtime
// write a goroutine dump of the result.
//
//	dumpgen [flags] SCENARIO
//	dumpgen -list
//
// The scenario (first argument) builds a small program state: the leak plus a
// little normal background. A dumper goroutine waits until the leak has
// settled (the expected number of leaking goroutines is parked) and then
// writes the dump chosen by -format. scripts/make_dump_fixtures.py runs every
// scenario and format; see README.md.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
)

// A scenario is one leak pattern of the knowledge base (or a healthy program).
type scenario struct {
	Name   string `json:"scenario"`
	Expect string `json:"expect"` // KB id, or "healthy"
	// LeakFunc matches the top user frame of every leaking goroutine: the
	// top-most frame in package main, or, for a goroutine that runs only
	// standard-library code, its start function (the last frame).
	LeakFunc string `json:"leak_function"`
	Count    int    `json:"leaked_count"`
	// State matches the wait reason (or status) of the leaking goroutines.
	State   string   `json:"state"`
	Formats []string `json:"formats"` // formats beyond debug2 and leak2
	// TestRun is the go test -run pattern of the testtimeout format.
	TestRun string `json:"test_run,omitempty"`

	run func(e *env) // sets up the leak; may return or block
	// asyncReady: run finishes its setup on another goroutine and closes
	// e.ready itself.
	asyncReady bool
	block      func(e *env) // what goroutine 1 does afterwards (default: select {})
	fatal      func(e *env) // for -format fatal: deadlock the whole program in main
}

var scenarios = map[string]*scenario{}

func register(s *scenario) {
	if _, dup := scenarios[s.Name]; dup {
		panic("duplicate scenario " + s.Name)
	}
	scenarios[s.Name] = s
}

// env is what a scenario sees of the command line.
type env struct {
	sc     *scenario
	format string
	out    string
	age    time.Duration
	ready  chan struct{} // closed when run has returned
}

// keep holds values that must stay reachable (listeners, raw client
// connections) so that a finalizer does not close them behind the scenario's
// back. Leaked channels are never stored here: the goroutineleak profile
// must be able to see that nothing else can reach them.
var keep []any

func main() {
	format := flag.String("format", "debug2", "debug2|leak2|debug1|leak1|proto|stack|panic|wait|fatal")
	out := flag.String("o", "-", "output file for the dump (- = stdout)")
	age := flag.Duration("age", 0, "wait this long after the leak settled (and a GC ran) before dumping, so headers show ', N minutes'")
	list := flag.Bool("list", false, "print the scenario table as JSON and exit")
	flag.Parse()

	if *list {
		printList()
		return
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: dumpgen [-format F] [-o FILE] SCENARIO (or -list)")
		os.Exit(2)
	}
	sc := scenarios[flag.Arg(0)]
	if sc == nil {
		fmt.Fprintf(os.Stderr, "dumpgen: unknown scenario %q\n", flag.Arg(0))
		os.Exit(2)
	}
	e := &env{sc: sc, format: *format, out: *out, age: *age, ready: make(chan struct{})}

	if *format == "fatal" {
		if sc.fatal == nil {
			fmt.Fprintf(os.Stderr, "dumpgen: scenario %s has no fatal variant\n", sc.Name)
			os.Exit(2)
		}
		sc.fatal(e) // never returns: the runtime reports the deadlock
		return
	}

	if sc.Name != "test-server-leak" { // that one dumps from inside its test
		go dumpWhenSettled(e)
	}
	sc.run(e)
	if !sc.asyncReady {
		close(e.ready)
	}
	if sc.block != nil {
		sc.block(e)
	}
	select {}
}

func printList() {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	list := make([]*scenario, 0, len(names))
	for _, n := range names {
		list = append(list, scenarios[n])
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(list); err != nil {
		panic(err)
	}
}

// dumpWhenSettled waits for the leak and then produces the requested output.
func dumpWhenSettled(e *env) {
	<-e.ready
	settle(e.sc)
	if e.age > 0 {
		// The GC stamps blocked goroutines with the start time of the
		// previous cycle's mark termination (runtime/mgc.go gcMark sets
		// work.tstart), which is 0 before the first cycle: run two, then
		// let the minutes accumulate.
		runtime.GC()
		runtime.GC()
		time.Sleep(e.age)
	}
	writeDump(e)
}

func writeDump(e *env) {
	switch e.format {
	case "wait":
		// The fixture script sends SIGQUIT after reading this line.
		fmt.Println("ready")
		return
	case "panic":
		crash(e.sc)
		return
	}
	var w io.Writer = os.Stdout
	if e.out != "-" {
		f, err := os.Create(e.out)
		if err != nil {
			fatalf("%v", err)
		}
		defer f.Close()
		w = f
	}
	var err error
	switch e.format {
	case "debug2":
		err = pprof.Lookup("goroutine").WriteTo(w, 2)
	case "leak2":
		err = pprof.Lookup("goroutineleak").WriteTo(w, 2)
	case "debug1":
		err = pprof.Lookup("goroutine").WriteTo(w, 1)
	case "leak1":
		err = pprof.Lookup("goroutineleak").WriteTo(w, 1)
	case "proto":
		err = pprof.Lookup("goroutine").WriteTo(w, 0)
	case "stack":
		_, err = w.Write(allStacks())
	default:
		fatalf("unknown format %q", e.format)
	}
	if err != nil {
		fatalf("write dump: %v", err)
	}
	if f, ok := w.(*os.File); ok && f != os.Stdout {
		if err := f.Close(); err != nil {
			fatalf("%v", err)
		}
	}
	os.Exit(0)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "dumpgen: "+format+"\n", args...)
	os.Exit(1)
}

// allStacks returns runtime.Stack(buf, true), growing buf until it fits.
func allStacks() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

var (
	frameRE  = regexp.MustCompile(`^(.+)\((.*)\)$`)
	headerRE = regexp.MustCompile(`^goroutine \d+ .*\[([^\]]*)\]`)
)

// countLeaking counts goroutines in a runtime.Stack dump whose top user frame
// matches fn and whose wait reason matches state.
func countLeaking(dump []byte, fn, state *regexp.Regexp) int {
	n := 0
	for _, rec := range bytes.Split(dump, []byte("\n\n")) {
		lines := strings.Split(strings.TrimSpace(string(rec)), "\n")
		m := headerRE.FindStringSubmatch(lines[0])
		if m == nil {
			continue
		}
		reason := strings.SplitN(m[1], ",", 2)[0]
		var funcs []string
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "[originating from") {
				break // GODEBUG=tracebackancestors: the creators' stacks follow
			}
			if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "created by ") || strings.HasPrefix(l, "...") {
				continue
			}
			if fm := frameRE.FindStringSubmatch(l); fm != nil {
				funcs = append(funcs, fm[1])
			}
		}
		if fn.MatchString(topUserFrame(funcs)) && state.MatchString(reason) {
			n++
		}
	}
	return n
}

// topUserFrame is the top-most frame in package main, or else the goroutine's
// start function (the last frame). runtime.goexit and the compiler's
// go-statement wrappers (pkg.fn.gowrapN, shown with GOTRACEBACK=system) are
// skipped.
func topUserFrame(funcs []string) string {
	var kept []string
	for _, f := range funcs {
		if f != "runtime.goexit" && !gowrapRE.MatchString(f) {
			kept = append(kept, f)
		}
	}
	for _, f := range kept {
		if strings.HasPrefix(f, "main.") {
			return f
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return kept[len(kept)-1]
}

var gowrapRE = regexp.MustCompile(`\.gowrap\d+$`)

// settle waits until the scenario's leaking goroutines are all parked and the
// goroutine count has stopped changing.
func settle(sc *scenario) {
	waitLeaking(sc)
	waitStable(sc)
}

// waitLeaking waits until sc.Count goroutines match sc.LeakFunc and sc.State.
func waitLeaking(sc *scenario) {
	if sc.LeakFunc != "" {
		waitFor(sc.LeakFunc, sc.State, sc.Count)
	}
}

// waitFor waits until n goroutines have a top user frame matching fn and a
// wait reason matching state. Scenarios use it to order their steps.
func waitFor(fn, state string, n int) {
	fnRE, stateRE := regexp.MustCompile(fn), regexp.MustCompile(state)
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := countLeaking(allStacks(), fnRE, stateRE)
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			os.Stderr.Write(allStacks())
			fatalf("did not settle: %d of %d goroutines in %s [%s]", got, n, fn, state)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitStable waits until the goroutine count has not changed for 200 ms, so
// that transient goroutines (connection setup, finished requests) are gone.
func waitStable(sc *scenario) {
	deadline := time.Now().Add(30 * time.Second)
	stable, last := 0, -1
	for stable < 5 {
		time.Sleep(40 * time.Millisecond)
		if n := runtime.NumGoroutine(); n == last {
			stable++
		} else {
			stable, last = 0, n
		}
		if time.Now().After(deadline) {
			fatalf("scenario %s: goroutine count never settled", sc.Name)
		}
	}
}

// crash is the panic fixture: a bug elsewhere in the program crashes it
// while the leak is in place (the script runs it with GOTRACEBACK=all).
func crash(sc *scenario) {
	switch sc.Name {
	case "mutex-unreleased":
		var a *Account // lookup miss, not checked
		fmt.Println(printStatement(a))
	default:
		panic("health monitor: backend unhealthy after 15 checks")
	}
}
