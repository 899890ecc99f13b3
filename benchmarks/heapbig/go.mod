module heapbig

go 1.23
