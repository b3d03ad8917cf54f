package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for -dsn
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver, for -data

	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// bookFile is the SQLite database in the -data folder. It is the file
// examples/portal keeps its book in, so that the portal and the producer
// given one folder share one book.
const bookFile = "webbtidbok.db"

// demoBook is the book the producer serves.
type demoBook struct {
	tidbok.Tidbok
	// store says where the book is kept, for the log: never a password.
	store string
	// published is how many slots seeding published at this start.
	published int
	// audit keeps the producer's audit events in the database's access
	// log, beside the portal's; nil for the in-memory book, whose events
	// go to the log.
	audit producer.AuditSink
	// close closes the book and its database.
	close func() error
}

// openBook opens the book o names, seeded with the demo clinic at
// facility: a fresh in-memory book, or the SQL book in the SQLite
// database in o.data or the PostgreSQL database at o.dsn. Close it when
// done.
func openBook(ctx context.Context, o options, facility tidbok.HSAID, now time.Time) (demoBook, error) {
	if o.data == "" && o.dsn == "" {
		book := memtidbok.New()
		n, err := seed(book, facility, now)
		if err != nil {
			return demoBook{}, fmt.Errorf("seeding the demo book: %w", err)
		}
		return demoBook{Tidbok: book, store: "memory", published: n, close: func() error { return nil }}, nil
	}

	var (
		dialect sqltidbok.Dialect
		store   string
		db      *sql.DB
		err     error
	)
	if o.dsn != "" {
		dialect, store = sqltidbok.Postgres, "postgres"
		db, err = sql.Open("pgx", o.dsn)
	} else {
		if err := os.MkdirAll(o.data, 0o700); err != nil {
			return demoBook{}, fmt.Errorf("creating the data folder: %w", err)
		}
		path := filepath.Join(o.data, bookFile)
		dialect, store = sqltidbok.SQLite, "sqlite "+path
		db, err = sql.Open("sqlite", sqltidbok.SQLiteDSN(path))
	}
	if err != nil {
		return demoBook{}, fmt.Errorf("opening the database: %w", err)
	}
	// The book runs concurrent calls on concurrent connections.
	db.SetMaxIdleConns(16)
	book, err := sqltidbok.Open(ctx, db, dialect)
	if err != nil {
		return demoBook{}, errors.Join(fmt.Errorf("opening the appointment book (%s): %w", store, err), db.Close())
	}
	closeBook := func() error { return errors.Join(book.Close(), db.Close()) }
	// The access log is the flow's, in the same database: the portal
	// shows each citizen every access to their bookings, over the wire
	// too.
	stores, err := sqlstore.Open(ctx, db, dialect)
	if err != nil {
		return demoBook{}, errors.Join(fmt.Errorf("opening the access log (%s): %w", store, err), closeBook())
	}
	n, err := seedSQL(ctx, book, facility, now)
	if err != nil {
		return demoBook{}, errors.Join(fmt.Errorf("seeding the demo book (%s): %w", store, err), closeBook())
	}
	return demoBook{Tidbok: book, store: store, published: n, audit: accessLog{stores.Audit()}, close: closeBook}, nil
}
