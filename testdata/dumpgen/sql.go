package main

// database/sql leaks: sql-rows-unclosed, sql-tx-open, sql-open-per-call.
// The database is a tiny in-process driver ("fakedb") below.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

func init() {
	sql.Register("fakedb", fakeDriver{})
	register(&scenario{
		Name: "sql-rows-unclosed", Expect: "sql-rows-unclosed",
		LeakFunc: `^(database/sql\.\(\*Rows\)\.awaitDone|main\.firstActiveUser)$`, State: `^select$`, Count: 15,
		run: runActiveUsers,
	})
	register(&scenario{
		Name: "sql-tx-open", Expect: "sql-tx-open",
		LeakFunc: `^database/sql\.\(\*Tx\)\.awaitDone$`, State: `^chan receive$`, Count: 15,
		Formats: []string{"wrapped-crlf"},
		run:     runTransfers,
	})
	register(&scenario{
		Name: "sql-open-per-call", Expect: "sql-open-per-call",
		LeakFunc: `^database/sql\.\(\*DB\)\.connectionOpener$`, State: `^select$`, Count: 15,
		run: runUserCounts,
	})
}

// --- sql-rows-unclosed ------------------------------------------------------

// firstActiveUser returns from inside the loop without rows.Close: the
// connection stays checked out, and with a cancellable ctx a goroutine
// watches the Rows until ctx ends.
func firstActiveUser(ctx context.Context, db *sql.DB, team string) (string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users WHERE active AND team = ?", team)
	if err != nil {
		return "", err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", err
		}
		return name, nil
	}
	return "", rows.Err()
}

func runActiveUsers(e *env) {
	db, err := sql.Open("fakedb", "fakedb://app")
	if err != nil {
		fatalf("%v", err)
	}
	db.SetMaxOpenConns(10)
	keep = append(keep, db)
	// The report worker's context lives as long as the service.
	ctx, stop := context.WithCancel(context.Background())
	keep = append(keep, stop)
	// 10 calls take every connection; 5 more wait for one forever.
	for i := range 15 {
		go func() {
			_, _ = firstActiveUser(ctx, db, fmt.Sprintf("team-%02d", i))
		}()
		if i < 10 {
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// --- sql-tx-open ------------------------------------------------------------

var errBalance = errors.New("insufficient balance")

// transfer returns on an error without tx.Rollback: the transaction and its
// connection stay open.
func transfer(db *sql.DB, from, to int64, amount int) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	var balance int
	if err := tx.QueryRow("SELECT balance FROM accounts WHERE id = ?", from).Scan(&balance); err != nil {
		return err
	}
	if balance < amount {
		return errBalance
	}
	if _, err := tx.Exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from); err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to); err != nil {
		return err
	}
	return tx.Commit()
}

func runTransfers(e *env) {
	db, err := sql.Open("fakedb", "fakedb://bank")
	if err != nil {
		fatalf("%v", err)
	}
	keep = append(keep, db)
	requests(20, func(i int) {
		amount := 20 // the fake balance is 50
		if i%4 != 0 {
			amount = 80 // 15 of 20 transfers fail and leak their Tx
		}
		_ = transfer(db, int64(i), int64(i+1), amount)
	})
}

// --- sql-open-per-call ------------------------------------------------------

// countUsers opens a new pool on every call and never closes it.
func countUsers(ctx context.Context, dsn string) (int, error) {
	db, err := sql.Open("fakedb", dsn)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// teamName does the same with a connection lifetime set, so each of its
// pools also runs a connectionCleaner goroutine.
func teamName(ctx context.Context, dsn string, id int) (string, error) {
	db, err := sql.Open("fakedb", dsn)
	if err != nil {
		return "", err
	}
	db.SetConnMaxLifetime(30 * time.Minute)
	var name string
	err = db.QueryRowContext(ctx, "SELECT name FROM teams WHERE id = ?", id).Scan(&name)
	return name, err
}

func runUserCounts(e *env) {
	requests(15, func(i int) {
		if i%3 == 2 {
			_, _ = teamName(context.Background(), "fakedb://app", i)
		} else {
			_, _ = countUsers(context.Background(), "fakedb://app")
		}
	})
}

// --- fakedb: a minimal database/sql driver ----------------------------------

type fakeDriver struct{}

func (fakeDriver) Open(name string) (driver.Conn, error) { return &fakeConn{dsn: name}, nil }

type fakeConn struct{ dsn string }

func (c *fakeConn) Prepare(query string) (driver.Stmt, error) { return &fakeStmt{query: query}, nil }
func (c *fakeConn) Close() error                              { return nil }
func (c *fakeConn) Begin() (driver.Tx, error)                 { return fakeTx{}, nil }

type fakeTx struct{}

func (fakeTx) Commit() error   { return nil }
func (fakeTx) Rollback() error { return nil }

type fakeStmt struct{ query string }

func (s *fakeStmt) Close() error  { return nil }
func (s *fakeStmt) NumInput() int { return -1 }
func (s *fakeStmt) Exec(args []driver.Value) (driver.Result, error) {
	return driver.RowsAffected(1), nil
}

func (s *fakeStmt) Query(args []driver.Value) (driver.Rows, error) {
	q := strings.ToLower(s.query)
	switch {
	case strings.Contains(q, "count(*)"):
		return &fakeRows{cols: []string{"count"}, vals: [][]driver.Value{{int64(42)}}}, nil
	case strings.Contains(q, "balance"):
		return &fakeRows{cols: []string{"balance"}, vals: [][]driver.Value{{int64(50)}}}, nil
	default:
		return &fakeRows{cols: []string{"name"}, vals: [][]driver.Value{{"ada"}, {"grace"}, {"linus"}}}, nil
	}
}

type fakeRows struct {
	cols []string
	vals [][]driver.Value
	pos  int
}

func (r *fakeRows) Columns() []string { return r.cols }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if r.pos >= len(r.vals) {
		return io.EOF
	}
	copy(dest, r.vals[r.pos])
	r.pos++
	return nil
}
