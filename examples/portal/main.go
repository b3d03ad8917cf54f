// Command portal is a reference web portal for webbtidbok: the whole
// booking flow in a browser, on the standalone appointment book in
// SQLite and on a clinic's book over crm:scheduling.
//
//	go run ./examples/portal
//
// It serves http://localhost:8080 with three demo clinics, found by name
// on the start page: Vårdcentralen Solrosen and Vårdcentralen Blåklockan
// in the standalone book, and Vårdcentralen Linnéan, whose book the
// portal reaches as most portals reach most clinics: over crm:scheduling
// through mvkclient, to a producer (tidbok/producer over memtidbok) that
// the portal starts on loopback with mutual TLS and certificates it makes
// at start, so that every citizen action there is a real SOAP exchange.
// Linnéan's book starts afresh at every start, with two invitations
// (kallelser) for Tolvan Tolvansson: a timed one to confirm, move or
// cancel, and an open one to book at a free time of its time type. "Mina
// bokningar" asks the book of every clinic the citizen has used (the
// audit log has their bookings there, or the clinic invited them) at
// once, and lists the bookings and invitations of each; a clinic that
// does not answer in time is named as such while the others list.
//
// Each clinic has a contact card, terms, time types, dates and slots,
// confirmation with a calendar file, the citizen's bookings with
// reschedule and cancel, a request form and a guardian booking for a
// child; Solrosen also has the local administrator's case types and
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
//	-remote HSAID=URL
//	       a clinic whose book is reached over crm:scheduling at URL (the
//	       producer's or the service platform's base address); repeatable.
//	       Its case types are the demo's, activated where its book offers
//	       their time types
//	-remote-cert, -remote-key, -remote-ca
//	       the portal's client certificate and key (PEM; the portal's
//	       HSA-id in the subject's serialNumber) and the CA of the remote
//	       producers' server certificates, for every -remote
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
