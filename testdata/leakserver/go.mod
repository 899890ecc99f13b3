module leakserver

go 1.23
