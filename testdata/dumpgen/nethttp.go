package main

// Network leaks: ctx-not-inherited, http-body-unclosed, transport-per-request,
// client-no-timeout, server-no-timeouts, tcp-no-deadline; and the healthy
// http-server. Every listener is on 127.0.0.1 and belongs to this process.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func init() {
	register(&scenario{
		Name: "ctx-not-inherited", Expect: "ctx-not-inherited",
		LeakFunc: `^main\.\(\*frontend\)\.handleQuote$`, State: `^select$`, Count: 15,
		run: runFrontend,
	})
	register(&scenario{
		Name: "http-body-unclosed", Expect: "http-body-unclosed",
		LeakFunc: `^net/http\.\(\*persistConn\)\.readLoop$`, State: `^select$`, Count: 15,
		Formats: []string{"panic", "wrapped-embedded"},
		run:     runHealthChecks,
	})
	register(&scenario{
		Name: "transport-per-request", Expect: "transport-per-request",
		LeakFunc: `^net/http\.\(\*persistConn\)\.readLoop$`, State: `^IO wait$`, Count: 15,
		run: runFetches,
	})
	register(&scenario{
		Name: "client-no-timeout", Expect: "client-no-timeout",
		LeakFunc: `^main\.callInventory$`, State: `^select$`, Count: 15,
		Formats: []string{"minutes"},
		run:     runInventoryCalls,
	})
	register(&scenario{
		Name: "server-no-timeouts", Expect: "server-no-timeouts",
		LeakFunc: `^net/http\.\(\*conn\)\.serve$`, State: `^IO wait$`, Count: 15,
		Formats: []string{"sigquit"},
		run:     runSlowClients,
	})
	register(&scenario{
		Name: "tcp-no-deadline", Expect: "tcp-no-deadline",
		LeakFunc: `^main\.\(\*redisClient\)\.Ping$`, State: `^IO wait$`, Count: 15,
		run: runPings,
	})
	register(&scenario{
		Name: "http-server", Expect: "healthy",
		asyncReady: true,
		run:        runHTTPServer,
		block:      serveUntilSignal,
	})
}

// newServer returns a server with the timeouts a production server needs.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}

// startServer serves h on a new 127.0.0.1 listener and returns its base URL.
func startServer(srv *http.Server) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	keep = append(keep, srv, ln)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String()
}

// blackHole returns the address of a listener that never accepts: the
// kernel completes the handshake and then nothing ever answers, like an
// upstream that hangs.
func blackHole() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	keep = append(keep, ln)
	return ln.Addr().String()
}

func okHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"status":"ok"}`)
}

// --- ctx-not-inherited ------------------------------------------------------

type frontend struct {
	backend string
}

// handleQuote calls the backend with a context made from Background instead
// of r.Context(): when the client gives up, the call (and this handler
// goroutine) keeps waiting.
func (f *frontend) handleQuote(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.backend+"/v1/quote", nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	io.Copy(w, resp.Body)
}

func runFrontend(e *env) {
	f := &frontend{backend: "http://" + blackHole()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /quote", f.handleQuote)
	url := startServer(newServer(mux))
	// Impatient clients (another service) give up after 200 ms.
	client := &http.Client{Timeout: 200 * time.Millisecond, Transport: &http.Transport{}}
	requests(15, func(i int) {
		resp, err := client.Get(fmt.Sprintf("%s/quote?sym=S%02d", url, i))
		if err == nil {
			resp.Body.Close()
		}
	})
	client.CloseIdleConnections()
}

// --- http-body-unclosed -----------------------------------------------------

// checkHealth never closes resp.Body: each call keeps a connection and its
// two transport goroutines.
func checkHealth(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func runHealthChecks(e *env) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", okHandler)
	url := startServer(newServer(mux))
	for range 15 {
		if _, err := checkHealth(url + "/health"); err != nil {
			fatalf("%v", err)
		}
	}
}

// --- transport-per-request --------------------------------------------------

// fetchPrices builds a new Transport (a new connection pool) on every call;
// each keeps one idle connection open.
func fetchPrices(url string) ([]byte, error) {
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 10},
		Timeout:   10 * time.Second,
	}
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func runFetches(e *env) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /prices", okHandler)
	url := startServer(newServer(mux))
	for range 15 {
		if _, err := fetchPrices(url + "/prices"); err != nil {
			fatalf("%v", err)
		}
	}
}

// --- client-no-timeout ------------------------------------------------------

// callInventory uses http.DefaultClient: no timeout, no deadline.
func callInventory(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func runInventoryCalls(e *env) {
	url := "http://" + blackHole() + "/stock"
	for i := range 15 {
		go func() {
			_, _ = callInventory(fmt.Sprintf("%s?sku=%04d", url, i))
		}()
	}
}

// --- server-no-timeouts -----------------------------------------------------

func runSlowClients(e *env) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", okHandler)
	// No ReadHeaderTimeout, ReadTimeout, WriteTimeout or IdleTimeout.
	srv := &http.Server{Handler: mux}
	addr := startServer(srv)[len("http://"):]
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			fatalf("%v", err)
		}
		keep = append(keep, c)
		return c
	}
	for i := range 15 {
		c := dial()
		switch i % 3 {
		case 0: // connects and sends nothing
		case 1: // sends part of the headers
			fmt.Fprintf(c, "GET /report HTTP/1.1\r\nHost: %s\r\nUser-Agent: slow-client\r\n", addr)
		case 2: // one request, then an idle keep-alive connection
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				fatalf("%v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}

// --- tcp-no-deadline --------------------------------------------------------

type redisClient struct {
	addr string
}

// Ping dials and reads the reply with no deadline: an upstream that never
// answers blocks it forever.
func (c *redisClient) Ping() (string, error) {
	conn, err := net.Dial("tcp", c.addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "PING\r\n"); err != nil {
		return "", err
	}
	return bufio.NewReader(conn).ReadString('\n')
}

func runPings(e *env) {
	rc := &redisClient{addr: blackHole()}
	for range 15 {
		go rc.Ping()
	}
}

// --- http-server (healthy) --------------------------------------------------

var (
	httpSrv *http.Server
	httpLn  net.Listener
)

func runHTTPServer(e *env) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", okHandler)
	mux.HandleFunc("GET /api/items", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `[{"id":1},{"id":2}]`)
	})
	httpSrv = newServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	httpLn = ln
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	keep = append(keep, stop)
	context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		httpSrv.Shutdown(sctx)
	})
	// Two clients (the UI backend and a health checker), each with its own
	// Transport, whose bodies are read and closed: each keeps one idle
	// keep-alive connection. The listener queues the connections until
	// main calls Serve.
	go func() {
		for _, path := range []string{"/api/items", "/health"} {
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
			resp, err := client.Get("http://" + ln.Addr().String() + path)
			if err != nil {
				fatalf("%v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			keep = append(keep, client)
		}
		close(e.ready)
	}()
}

func serveUntilSignal(e *env) {
	if err := httpSrv.Serve(httpLn); err != http.ErrServerClosed {
		fatalf("%v", err)
	}
}
