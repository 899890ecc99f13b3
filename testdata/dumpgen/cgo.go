package main

// thread-leak: goroutines blocked inside a C call each hold an OS thread.

/*
#include <stdlib.h>
#include <unistd.h>

// slow_lookup stands for a blocking C library call (a resolver, a driver).
static int slow_lookup(const char *name) {
	(void)name;
	sleep(600);
	return 0;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func init() {
	register(&scenario{
		Name: "thread-leak", Expect: "thread-leak",
		LeakFunc: `^main\._Cfunc_slow_lookup$`, State: `^syscall$`, Count: 15,
		Formats: []string{"sigquit"},
		run:     runLookups,
	})
}

// lookupHost calls the blocking C resolver: the goroutine sits in [syscall]
// and pins an OS thread until the call returns.
func lookupHost(name string) int {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return int(C.slow_lookup(cname))
}

func runLookups(e *env) {
	for i := range 15 {
		go lookupHost(fmt.Sprintf("svc-%02d.internal", i))
	}
}
