// Command heapbig keeps memory alive at many distinct allocation stacks and writes a large
// protobuf heap profile to stdout, for benchmarks/profile_bench.py.
//
//	heapbig -depth 13 -per 2 > heap.pb.gz
//
// Every allocation is recorded (runtime.MemProfileRate = 1). Each of the 2^depth call
// paths through left/right is a distinct stack, and each keeps `per` 1 KiB blocks.
package main

import (
	"flag"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
)

var kept [][]byte

//go:noinline
func left(path, depth, per int) { descend(path, depth-1, per) }

//go:noinline
func right(path, depth, per int) { descend(path, depth-1, per) }

func descend(path, depth, per int) {
	if depth == 0 {
		for range per {
			kept = append(kept, make([]byte, 1024))
		}
		return
	}
	if (path>>(depth-1))&1 == 0 { // the path's bits choose the calls, one per level
		left(path, depth, per)
	} else {
		right(path, depth, per)
	}
}

func main() {
	runtime.MemProfileRate = 1
	depth := flag.Int("depth", 13, "levels of left/right calls: 2^depth distinct stacks")
	per := flag.Int("per", 2, "1 KiB blocks kept per stack")
	flag.Parse()
	for path := range 1 << *depth {
		descend(path, *depth, *per)
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(os.Stdout, 0); err != nil {
		log.Fatal(err)
	}
	runtime.KeepAlive(kept)
}
