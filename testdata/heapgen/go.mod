module heapgen

go 1.27
