// Command portal is a reference web portal for webbtidbok: the whole
// booking flow in a browser, on the standalone appointment book in
// SQLite.
//
//	go run ./examples/portal
//
// It serves http://localhost:8080 with a demo clinic: a contact card,
// terms, time types, dates and slots, confirmation with a calendar file,
// the citizen's bookings with reschedule and cancel, a request form, a
// guardian booking for a child, the local administrator's case types and
// terms, and the staff's day view of the clinic's book. The login is a
// demo that lets anyone pick a test identity; it is clearly marked as
// such, and sits behind an interface (IdentityProvider). The flags
// -oidc-issuer and -oidc-client-id (and the secret) replace it with a real
// login with a Swedish e-ID over OpenID Connect (package booking/eid), at
// a provider that speaks the Swedish OpenID Connect Profile.
//
// Flags:
//
//	-addr  address to listen on (default localhost:8080)
//	-data  folder of the SQLite database (default ./data)
//	-dsn   a PostgreSQL connection string (postgres://…) to keep
//	       everything there instead of in SQLite
//	-tls-proxy
//	       the portal is served behind a reverse proxy that terminates
//	       TLS and sets X-Forwarded-For: cookies are Secure, the
//	       session's named with the __Host- prefix, HSTS is sent on every
//	       answer, and the request form's per-client limit counts the
//	       last address in X-Forwarded-For (default false: Secure and
//	       HSTS only for requests that came over TLS)
//	-oidc-issuer, -oidc-client-id, -oidc-client-secret
//	       the e-ID provider's issuer URL and the portal's registration
//	       there; default $WEBBTIDBOK_OIDC_ISSUER,
//	       $WEBBTIDBOK_OIDC_CLIENT_ID and $WEBBTIDBOK_OIDC_CLIENT_SECRET
//	       (prefer the variable for the secret). Register
//	       <public URL>/logga-in/svar as the redirect URI and
//	       <public URL>/ as the post-logout redirect URI. Citizens log
//	       in with the personal identity number claim and acr loa2
//	       (password and SMS) to loa4; staff with an HSA-id claim, their
//	       roles from the demo's staff table. /logga-in?niva=eid asks for
//	       an e-ID (a step-up).
//	-public-url
//	       the portal's URL as browsers reach it (default: the address
//	       listened on), for the redirect URIs
//	-smtp-addr, -smtp-user, -smtp-from
//	       send the citizens' confirmations, moves and cancellations by
//	       e-mail through this submission server (host:port; 587
//	       STARTTLS, 465 TLS), with AUTH PLAIN; the password is read from
//	       $WEBBTIDBOK_SMTP_PASSWORD. Without -smtp-addr nothing is sent:
//	       the messages are kept in the database and shown under Mina
//	       bokningar, "Skickade meddelanden"
//
// The SQLite database and its folder are readable by their owner only
// (0600 and 0700).
//
// Everything is kept in the database: the appointment book
// (tidbok/sqltidbok), the booking flow's and clinic's stores (sqlstore) —
// case types, terms and acceptances, holds, request keys, requests and the
// audit logs — and the login sessions. So a restart loses nothing and logs
// nobody out, and several portal processes may share one database, with
// no need to send a visitor back to the same process. The demo
// clinic is seeded once: its slots, and each of its case types that does
// not exist yet; what the administrator changes stays changed. A session
// is stored only once someone has logged in: a visitor who only looks
// costs no row.
//
// The audit log is the access log of patient-data law (PDL): besides the
// booking flow's events, the portal records every login (failed ones
// too) and every staff read of the day's book, one event per citizen
// shown, each with a reference to the login session. A citizen sees all
// events about them under Mina bokningar, "Logg över åtkomst". The
// request form is limited per citizen and per client address
// (RequestLimit), in each process's memory.
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
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}
