package main

// OS-resource leaks: pipe-unclosed, exec-no-wait, finalizer-blocked.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"runtime"
)

func init() {
	register(&scenario{
		Name: "pipe-unclosed", Expect: "pipe-unclosed",
		LeakFunc: `^main\.(compressed\.func1|readLines)$`, State: `^select$`, Count: 15,
		run: runPipes,
	})
	register(&scenario{
		Name: "exec-no-wait", Expect: "exec-no-wait",
		LeakFunc: `^os/exec\.\(\*Cmd\)\.watchCtx$`, State: `^(select|chan send)$`, Count: 15,
		run: runHooks,
	})
	register(&scenario{
		Name: "finalizer-blocked", Expect: "finalizer-blocked",
		LeakFunc: `^main\.newSession\.func1$`, State: `^chan send$`, Count: 1,
		run: runSessions,
	})
}

// --- pipe-unclosed ----------------------------------------------------------

// compressed streams src through gzip into a pipe. When the reader stops
// early without closing its end, the goroutine blocks in Write forever.
func compressed(src io.Reader) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		zw := gzip.NewWriter(pw)
		if _, err := io.Copy(zw, src); err != nil {
			pw.CloseWithError(err)
			return
		}
		zw.Close()
		pw.Close()
	}()
	return pr
}

var errUploadRejected = errors.New("upload rejected: quota exceeded")

// upload reads the first chunk, then fails and returns without closing body.
func upload(body io.Reader) error {
	buf := make([]byte, 512)
	if _, err := io.ReadFull(body, buf); err != nil {
		return err
	}
	return errUploadRejected
}

// exportLines writes lines into a pipe but forgets pw.Close: the reader
// never sees EOF.
func exportLines(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		for i := range n {
			fmt.Fprintf(pw, "line %d\n", i)
		}
		// pw.Close() is missing
	}()
	return pr
}

func readLines(r io.Reader) {
	data, err := io.ReadAll(r) // waits for EOF forever
	fmt.Fprintln(io.Discard, len(data), err)
}

func runPipes(e *env) {
	rng := rand.New(rand.NewPCG(1, 2))
	payload := make([]byte, 256<<10) // incompressible, so gzip keeps writing
	for i := range payload {
		payload[i] = byte(rng.Uint32())
	}
	requests(10, func(i int) {
		_ = upload(compressed(bytes.NewReader(payload)))
	})
	for range 5 {
		go readLines(exportLines(100))
	}
}

// --- exec-no-wait -----------------------------------------------------------

// runHook starts a command and never calls Wait: the child stays a zombie and
// the watchCtx goroutine of CommandContext stays behind.
func runHook(ctx context.Context, name string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", "echo hook "+name)
	var out bytes.Buffer
	cmd.Stdout = &out
	return cmd.Start()
}

func runHooks(e *env) {
	ctx, stop := context.WithCancel(context.Background()) // service lifetime
	keep = append(keep, stop)
	for i := range 10 {
		_ = runHook(ctx, fmt.Sprintf("deploy-%02d", i))
	}
	// Five hooks run with a request context that ends with the request:
	// watchCtx then waits to hand its result to a Wait that never comes.
	requests(5, func(i int) {
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		_ = runHook(rctx, fmt.Sprintf("request-%02d", i))
	})
}

// --- finalizer-blocked ------------------------------------------------------

type Session struct {
	id  int
	buf []byte
}

var sessionClosed = make(chan int) // unbuffered, and nobody reads it

// newSession registers a finalizer that reports the closed session on an
// unbuffered channel: the first one blocks the single finalizer goroutine.
func newSession(id int) *Session {
	s := &Session{id: id, buf: make([]byte, 1024)}
	runtime.SetFinalizer(s, func(s *Session) {
		sessionClosed <- s.id
	})
	return s
}

func runSessions(e *env) {
	for i := range 200 {
		_ = newSession(i)
	}
	runtime.GC()
	runtime.GC()
}
