// Command producer serves a demo appointment book as a crm:scheduling 1.1
// producer: what a journal-system vendor does with package
// tidbok/producer, here over the in-memory book memtidbok or the
// standalone SQL book sqltidbok.
//
//	go run ./examples/producer -addr 127.0.0.1:8081 -facility SE2321000016-A65H
//
// The book has one clinic with the time types läkarbesök and
// provtagning, a doctor and a nurse, and free web-bookable slots on
// weekdays for the coming 14 days. The contracts answer at
// http://ADDR/<Contract>/1/rivtabp21 (any path prefix works), e.g.
// /GetAllTimeTypes/1/rivtabp21.
//
// By default the book is in memory, fresh at every start. With -data DIR
// it is the SQL book in the SQLite database DIR/webbtidbok.db, with
// -dsn postgres://… the one in that PostgreSQL database (not both);
// bookings there survive a restart. The demo clinic is set up when the
// facility is not in the book yet, and later starts only add slots for
// the days after the last one that has them. The file is the one
// examples/portal keeps its book in, so the portal and the producer given
// the same -data folder (or -dsn) share one book; a facility already in
// it under another name, such as the portal's clinic SE2321000016-VC01,
// is served as it is.
//
// With -fhir PATH the same process also serves the book as FHIR R4 in the
// shape of IHE ITI Scheduling (package tidbok/fhir) below PATH, e.g.
// /fhir/metadata and /fhir/Appointment/$find, with the producer's
// consumers, policy and audit; the citizen acting is named in the
// X-Actor-Identifier header, and holds ($hold) are kept in memory.
//
//	go run ./examples/producer -fhir /fhir
//	curl -H 'X-Actor-Identifier: urn:oid:1.2.752.129.2.1.3.1|191212121212' \
//	  'http://127.0.0.1:8081/fhir/Appointment/$find?_count=3'
//
// With -cert, -key and -client-ca it serves HTTPS and requires a client
// certificate issued by the CA in -client-ca, as RIV-TA does. For a try,
// -gen-certs DIR writes a throwaway CA, server and client certificates
// and a sample request to DIR and prints how to use them.
//
// It logs with slog to standard error and shuts down gracefully on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "producer:", err)
		os.Exit(1)
	}
}
