package main

// database/sql leak: sql-stmt-unclosed (its *sql.Conn form), on the fakedb driver of sql.go.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

func init() {
	register(&scenario{
		Name: "sql-stmt-unclosed", Expect: "sql-stmt-unclosed",
		LeakFunc: `^main\.teamReport$`, State: `^select$`, Count: 5,
		run: runTeamReports,
	})
}

// teamReport pins a connection with db.Conn for a multi-statement report and
// returns without conn.Close, so the connection never goes back to the pool.
func teamReport(ctx context.Context, db *sql.DB, team string) (string, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	var name string
	if err := conn.QueryRowContext(ctx, "SELECT name FROM users WHERE team = ?", team).Scan(&name); err != nil {
		return "", err
	}
	return name, nil // missing: conn.Close()
}

func runTeamReports(e *env) {
	db, err := sql.Open("fakedb", "fakedb://app")
	if err != nil {
		fatalf("%v", err)
	}
	db.SetMaxOpenConns(10)
	keep = append(keep, db)
	// 10 reports keep every connection; the next 5 wait for one forever.
	for i := range 15 {
		go func() {
			_, _ = teamReport(context.Background(), db, fmt.Sprintf("team-%02d", i))
		}()
		if i < 10 {
			time.Sleep(2 * time.Millisecond)
		}
	}
}
