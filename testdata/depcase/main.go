// Command depcase leaks goroutines the way KB patterns that involve golang.org/x/sync
// and google.golang.org/grpc do, then writes a goroutine dump of itself, for
// goleakhelp's fixtures (scripts/make_dep_dump_fixtures.py). No module proxy is
// reachable where the fixtures are made, so it builds in GOPATH mode against
// Debian's golang-golang-x-sync-dev and golang-google-grpc-dev sources.
//
//	depcase -format debug2|leak2 errgroup-stuck|grpc-conn-unclosed|grpc-stream-unfinished
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
)

const leaks = 15 // callers, connections or streams left behind per scenario

// fetchAll takes the first result and then waits for the group, but the other tasks
// ignore the group's context and send to a channel that nobody reads any more, so
// they never return and Wait never returns either.
func fetchAll(ctx context.Context, keys []string) (string, error) {
	g, _ := errgroup.WithContext(ctx)
	results := make(chan string)
	for _, k := range keys {
		k := k
		g.Go(func() error {
			if k == "" {
				return errors.New("empty key")
			}
			results <- strings.ToUpper(k) // blocks: only the first result is read
			return nil
		})
	}
	first := <-results
	return first, g.Wait()
}

func errgroupStuck() {
	for i := 0; i < leaks/3; i++ {
		go fetchAll(context.Background(), []string{"a", "b", "c", "d", ""})
	}
}

// rawCodec passes []byte through, so the stream needs no generated protobuf code.
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "raw" }

var watchDesc = grpc.StreamDesc{StreamName: "Watch", ServerStreams: true}

// watch sends one event, then keeps the stream open until the client goes away.
func watch(_ interface{}, stream grpc.ServerStream) error {
	var req []byte
	if err := stream.RecvMsg(&req); err != nil {
		return err
	}
	event := []byte("changed")
	if err := stream.SendMsg(&event); err != nil {
		return err
	}
	<-stream.Context().Done()
	return nil
}

func serve() string {
	encoding.RegisterCodec(rawCodec{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	s := grpc.NewServer()
	desc := watchDesc
	desc.Handler = watch
	s.RegisterService(&grpc.ServiceDesc{ServiceName: "depcase.Watcher", HandlerType: (*interface{})(nil), Streams: []grpc.StreamDesc{desc}}, struct{}{})
	go s.Serve(ln)
	return ln.Addr().String()
}

// checkInventory dials a new ClientConn for every call and never closes it.
func checkInventory(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := grpc.DialContext(ctx, addr, grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		return err
	}
	_ = conn // missing: defer conn.Close()
	return nil
}

func grpcConnUnclosed() {
	addr := serve()
	for i := 0; i < leaks; i++ {
		if err := checkInventory(addr); err != nil {
			fail(err)
		}
	}
}

// firstEvent reads one event from a watch stream and returns: the stream's context is
// never cancelled and the stream is not read to the end, so it stays open.
func firstEvent(conn *grpc.ClientConn) ([]byte, error) {
	stream, err := conn.NewStream(context.Background(), &watchDesc, "/depcase.Watcher/Watch", grpc.CallContentSubtype("raw"))
	if err != nil {
		return nil, err
	}
	req := []byte("all")
	if err := stream.SendMsg(&req); err != nil {
		return nil, err
	}
	if err := stream.CloseSend(); err != nil {
		return nil, err
	}
	var event []byte
	err = stream.RecvMsg(&event)
	return event, err
}

func grpcStreamUnfinished() {
	addr := serve()
	conn, err := grpc.Dial(addr, grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		fail(err)
	}
	for i := 0; i < leaks; i++ {
		if _, err := firstEvent(conn); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "depcase:", err)
	os.Exit(1)
}

// settle waits until the goroutine count has not changed for 300 ms.
func settle() {
	last, stable := runtime.NumGoroutine(), 0
	for deadline := time.Now().Add(10 * time.Second); stable < 6 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if n := runtime.NumGoroutine(); n == last {
			stable++
		} else {
			last, stable = n, 0
		}
	}
}

func main() {
	format := flag.String("format", "debug2", "debug2 (goroutine profile) or leak2 (goroutineleak profile)")
	flag.Parse()
	scenarios := map[string]func(){
		"errgroup-stuck":         errgroupStuck,
		"grpc-conn-unclosed":     grpcConnUnclosed,
		"grpc-stream-unfinished": grpcStreamUnfinished,
	}
	run, ok := scenarios[flag.Arg(0)]
	if !ok {
		fail(fmt.Errorf("unknown scenario %q", flag.Arg(0)))
	}
	run()
	settle()
	profile := map[string]string{"debug2": "goroutine", "leak2": "goroutineleak"}[*format]
	if profile == "" {
		fail(fmt.Errorf("unknown format %q", *format))
	}
	if err := pprof.Lookup(profile).WriteTo(os.Stdout, 2); err != nil {
		fail(err)
	}
}
