package sqltidbok_test

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// redirectable is a PostgreSQL book whose new connections go to another
// address once redirect is called: a server that went away, or one that
// refuses connections.
type redirectable struct {
	book   *sqltidbok.Book
	db     *sql.DB
	to     atomic.Pointer[string] // host:port of new connections; nil: the real server's
	free   []tidbok.Timeslot
	booked string // a booking of citizen(1)'s
}

// newRedirectable opens a book on a fresh PostgreSQL schema with a day of
// free slots and one booking.
func newRedirectable(t *testing.T) *redirectable {
	t.Helper()
	cfg, err := pgx.ParseConfig(dbtest.Postgres.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	r := &redirectable{}
	r.db = stdlib.OpenDB(*cfg, stdlib.OptionBeforeConnect(func(_ context.Context, cc *pgx.ConnConfig) error {
		if to := r.to.Load(); to != nil {
			host, port, err := net.SplitHostPort(*to)
			if err != nil {
				return err
			}
			p, err := net.LookupPort("tcp", port)
			if err != nil {
				return err
			}
			cc.Host, cc.Port, cc.Fallbacks = host, uint16(p), nil
		}
		return nil
	}))
	t.Cleanup(func() { _ = r.db.Close() })
	ctx := t.Context()
	r.book, err = sqltidbok.Open(ctx, r.db, sqltidbok.Postgres, at(testbook.DefaultNow()))
	must(t, err)
	t.Cleanup(func() { _ = r.book.Close() })
	must(t, r.book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: testbook.FacilityName}))
	r.free = publishDays(t, r.book, 1, time.Hour)
	res, err := r.book.Book(ctx, bookRequest(r.free[0], citizen(1)))
	must(t, err)
	r.booked = res.BookingID
	return r
}

// redirect sends every connection made from now on to addr, and drops
// the connections the pool holds.
func (r *redirectable) redirect(addr string) {
	r.to.Store(&addr)
	r.db.SetMaxIdleConns(0)
}

// writes runs a booking of a free slot by its ID (on PostgreSQL, in a
// batch), a booking by time and a cancel (each one transaction), and
// returns their errors by name.
func (r *redirectable) writes(ctx context.Context) map[string]error {
	_, bookErr := r.book.Book(ctx, bookRequest(r.free[1], citizen(2)))
	byTime := r.free[2]
	byTime.ID = ""
	_, findErr := r.book.Book(ctx, bookRequest(byTime, citizen(3)))
	_, cancelErr := r.book.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: r.booked, Subject: citizen(1), Actor: tidbok.Actor{Person: citizen(1)}})
	return map[string]error{"Book (batched)": bookErr, "Book by time": findErr, "Cancel": cancelErr}
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	must(t, l.Close())
	return addr
}

// fakeServer answers every connection on a loopback port with serve, and
// returns the port's address.
func fakeServer(t *testing.T, serve func(be *pgproto3.Backend)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = l.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				be := pgproto3.NewBackend(conn, conn)
				if _, err := be.ReceiveStartupMessage(); err != nil {
					return
				}
				serve(be)
			})
		}
	})
	return l.Addr().String()
}

// A database that cannot be reached never saw the write: whether nothing
// listens or the server refuses connections while it starts up, every
// write, batched or not, fails with ErrNotSent, never ErrOutcomeUnknown.
func TestWritesToAnUnreachableDatabaseAreNotSent(t *testing.T) {
	t.Parallel()
	startingUp := func(be *pgproto3.Backend) {
		be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: "57P03", Message: "the database system is starting up"})
		_ = be.Flush()
	}
	for _, tt := range []struct {
		name string
		addr func(t *testing.T) string
	}{
		{"nothing listens", closedPort},
		{"the server cannot accept connections now (57P03)", func(t *testing.T) string { return fakeServer(t, startingUp) }},
	} {
		t.Run("when "+tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRedirectable(t)
			r.redirect(tt.addr(t))
			for name, err := range r.writes(t.Context()) {
				if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
					t.Errorf("%s: %v, want ErrNotSent and not ErrOutcomeUnknown", name, err)
				}
			}
		})
	}
}

// A connection that breaks after the statement was sent leaves the write
// of unknown outcome: the database may have carried it out.
func TestAWriteLostAfterItWasSentIsOfUnknownOutcome(t *testing.T) {
	t.Parallel()
	r := newRedirectable(t)
	r.redirect(fakeServer(t, func(be *pgproto3.Backend) {
		be.Send(&pgproto3.AuthenticationOk{})
		be.Send(&pgproto3.ParameterStatus{Name: "server_version", Value: "17.0"})
		be.Send(&pgproto3.ParameterStatus{Name: "client_encoding", Value: "UTF8"})
		be.Send(&pgproto3.ParameterStatus{Name: "standard_conforming_strings", Value: "on"})
		be.Send(&pgproto3.BackendKeyData{ProcessID: 1, SecretKey: []byte{0, 0, 0, 1}})
		be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
		if be.Flush() != nil {
			return
		}
		_, _ = be.Receive() // the statement; then the connection breaks
	}))
	_, err := r.book.Book(t.Context(), bookRequest(r.free[1], citizen(2)))
	if !errors.Is(err, tidbok.ErrOutcomeUnknown) || errors.Is(err, tidbok.ErrNotSent) {
		t.Errorf("Book whose statement was sent: %v, want ErrOutcomeUnknown and not ErrNotSent", err)
	}
}
