"""Which functions in a stack belong to the Go standard library.

The first element of every standard-library import path, from the src/ folder of Go
1.27 (plus `cmd` and `vendor`). A package whose path starts with one of these and has
no dot in it is the standard library; anything else (main, example.com/x, or a module
named without a dot such as `myservice/handlers`) is a program or a dependency.
"""

STD_ROOTS: frozenset[str] = frozenset(
    """archive arena bufio builtin bytes cmd cmp compress container context crypto database debug
    embed encoding errors expvar flag fmt go hash html image index internal io iter log maps math
    mime net os path plugin reflect regexp runtime simd slices sort strconv strings structs sync
    syscall testing text time unicode unique unsafe uuid vendor weak""".split()
)


def is_std_package(package: str) -> bool:
    first = package.split("/", 1)[0]
    return first in STD_ROOTS and "." not in first
