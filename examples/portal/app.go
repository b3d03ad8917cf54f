package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for -dsn
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// config configures the portal. The zero value serves the demo clinic
// from a SQLite database in ./data with the demo login.
type config struct {
	// DataDir is the folder of the SQLite database; default "./data".
	DataDir string
	// DSN, when set, is a PostgreSQL connection string: the book and the
	// stores are kept there instead of in SQLite.
	DSN string
	// Logger receives the portal's log. Default: slog.Default. Audit
	// events are kept in the database.
	Logger *slog.Logger
	// Now is the clock of the book, the booking flow and the sessions.
	// Default: time.Now.
	Now func() time.Time
	// Identity logs people in. Default: the demo login.
	Identity IdentityProvider
	// Register is the population register. Default: the demo people.
	Register Register
	// Remotes are clinics whose books are reached over crm:scheduling,
	// besides the demo's.
	Remotes []RemoteClinic
	// NoWireDemo leaves out the demo clinic whose book the portal serves
	// itself over crm:scheduling on loopback.
	NoWireDemo bool
	// SeedDays is how many days, today included, the demo clinic's book
	// has slots. Default: 28.
	SeedDays int
	// BehindTLSProxy says that the portal is served behind a reverse
	// proxy that terminates TLS and forwards plain HTTP: cookies are then
	// Secure (the session's with the __Host- prefix) and HSTS is sent on
	// every answer, though the request reaching the portal is not TLS;
	// and the client's address, for the request form's rate limit, is
	// the last one in X-Forwarded-For, which the proxy must set. Without
	// it, cookies are Secure and HSTS is sent only when the request
	// itself came over TLS, and the client's address is the connection's.
	BehindTLSProxy bool
	// RequestLimit bounds how often the request form may be sent. Its
	// zero fields mean the defaults.
	RequestLimit RequestLimit
	// TracerProvider and MeterProvider receive the booking flow's spans
	// and metrics. Default: OpenTelemetry's globals, which record
	// nothing until a program installs an SDK.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// Mail says how the citizens' e-mail is sent (see messages.go).
	Mail mailConfig
	// PublicURL is the portal's address as browsers reach it, for the
	// links in the offers of the cancellation list (see waitlist.go).
	// Default: http://localhost:8080.
	PublicURL string
}

// app is the portal: an http.Handler over the booking flow, the clinic's
// configuration and its appointment book.
type app struct {
	log       *slog.Logger
	now       func() time.Time
	db        *sql.DB
	store     string // where the book is kept, for the log
	book      *sqltidbok.Book
	staffBook clinicBook // book, as the staff pages use it
	stores    *sqlstore.Stores
	cases     *casetype.Registry
	terms     *terms.Registry
	svc       *booking.Service // over book, for the clinics in it
	clinics   clinics
	ids       IdentityProvider
	people    Register

	// wire is the demo clinic reached over crm:scheduling; nil without.
	wire *wireDemo

	sessions *sessions
	pages    map[string]*template.Template
	handler  http.Handler

	// formAction is "' " and the login service's origin when logging out
	// sends the browser there (RP-initiated logout), so that the logout
	// form may end there; else "'".
	formAction string

	// behindTLSProxy: see config.BehindTLSProxy.
	behindTLSProxy bool
	// perCitizen and perClient limit how often the request form may be
	// sent by one citizen and from one client address.
	perCitizen, perClient *limiters
	// delivery sends what the booking flow queues in its outbox.
	delivery *deliveryRun
	// publicURL and offerKey make the links of the cancellation list's
	// offers; watch watches the books for freed times.
	publicURL string
	offerKey  []byte
	watch     *watchers
}

// newApp opens the book (creating and seeding it on first use), seeds the
// clinic's case types and terms, and returns the portal. Close it when
// done.
func newApp(ctx context.Context, cfg config) (*app, error) {
	a := &app{log: cfg.Logger, now: cfg.Now, ids: cfg.Identity, people: cfg.Register, behindTLSProxy: cfg.BehindTLSProxy}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.people == nil {
		a.people = demoRegister{}
	}
	a.publicURL, a.offerKey = strings.TrimSuffix(cmp.Or(cfg.PublicURL, "http://localhost:8080"), "/"), offerKey(a.log)
	lim := cfg.RequestLimit.withDefaults()
	a.perCitizen = newLimiters(lim.PerCitizen, lim.CitizenEvery)
	a.perClient = newLimiters(lim.PerClient, lim.ClientEvery)
	days := cfg.SeedDays
	if days <= 0 {
		days = defaultSeedDays
	}
	pages, err := parsePages(a.now)
	if err != nil {
		return nil, err
	}
	a.pages = pages
	if a.ids == nil {
		a.ids = demoIdentity{render: a.render}
	}
	a.formAction = "'"
	if lo, ok := a.ids.(interface{ LogoutURL() (string, bool) }); ok {
		if to, ok := lo.LogoutURL(); ok {
			if u, err := url.Parse(to); err == nil && u.Host != "" {
				a.formAction = "' " + u.Scheme + "://" + u.Host
			}
		}
	}

	if err := a.openBook(ctx, cfg); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = a.Close()
		}
	}()
	n, err := seedBook(ctx, a.book, a.now(), days)
	if err != nil {
		return nil, err
	}
	a.log.Info("appointment book ready", "book", a.store, "slots_published", n)

	// Case types, terms, acceptances, holds, request keys, requests and
	// the audit logs are kept in the book's database: they survive a
	// restart, and portal processes sharing the database share them.
	// Each request reads a case type and its terms once (see memo.go).
	// The process keeps them across requests while the catalog's version
	// stays the same (see catalogcache.go).
	catalog := newCatalogCache(a.stores.CatalogVersion)
	a.cases = casetype.New(memoCaseTypes{a.stores.CaseTypes(), catalog}, casetype.WithClock(a.now), casetype.WithAudit(a.stores.CaseTypeAudit()))
	a.terms = terms.New(memoTerms{a.stores.Terms(), catalog}, terms.WithClock(a.now))
	if err := seedClinic(ctx, a.cases, a.terms, a.book); err != nil {
		return nil, err
	}
	a.svc, err = booking.New(booking.Config{
		Book: a.book, CaseTypes: a.cases, Terms: a.terms,
		Holds: a.stores.Holds(), Keys: a.stores.Keys(), Moves: a.stores.Moves(),
		Requests: a.stores.Requests(), Audit: a.stores.Audit(), Outbox: a.stores.Outbox(),
		Waitlist: a.stores.Waitlist(), OfferKey: a.offerKey, OfferLink: a.offerLink,
		Guardians: a.people, Now: a.now, Logger: a.log,
		TracerProvider: cfg.TracerProvider, MeterProvider: cfg.MeterProvider,
	})
	if err != nil {
		return nil, err
	}
	if err := a.openClinics(ctx, cfg, days); err != nil {
		return nil, err
	}
	if err := a.startDelivery(cfg.Mail); err != nil {
		return nil, err
	}
	a.startWatchers()
	a.handler = a.routes()
	ok = true
	return a, nil
}

// openBook opens the database named by cfg, and in it the book and the
// stores of the booking flow and the clinic's configuration.
func (a *app) openBook(ctx context.Context, cfg config) error {
	var (
		dialect sqltidbok.Dialect
		err     error
	)
	if cfg.DSN != "" {
		dialect, a.store = sqltidbok.Postgres, "postgres"
		a.db, err = sql.Open("pgx", cfg.DSN)
	} else {
		dir := cfg.DataDir
		if dir == "" {
			dir = "./data"
		}
		path := filepath.Join(dir, "webbtidbok.db")
		if err := privateFiles(dir, path); err != nil {
			return err
		}
		dialect, a.store = sqltidbok.SQLite, "sqlite "+path
		// Its writers take turns in the process (see sqlitewrite.go).
		//
		// With write-ahead logging and synchronous=NORMAL a commit is
		// written to the log but not flushed to the disk; the log is
		// flushed before each checkpoint. The database stays whole on
		// any crash, and a crash of the process loses nothing (the
		// operating system holds what was written); a crash of the
		// operating system or a power cut may lose the latest commits,
		// all of them after some point, never some in between, so the
		// book, the request keys, the audit trail and the sessions stay
		// in step with each other. A booking lost so is a booking the
		// citizen was shown but the book no longer holds. The portal
		// accepts that on SQLite, its single-server demonstration
		// store, so that the commits of a booking (its request key,
		// hold, audit events and the session, a dozen or more) do not
		// each wait for a flush; a deployment that may not lose a shown
		// booking runs on PostgreSQL (config.DSN), which flushes every
		// commit.
		a.db = openSQLite(sqltidbok.SQLiteDSN(path) + "&_pragma=synchronous(normal)")
	}
	if err != nil {
		return fmt.Errorf("opening the database: %w", err)
	}
	// The book runs concurrent calls on concurrent connections.
	a.db.SetMaxIdleConns(16)
	a.book, err = sqltidbok.Open(ctx, a.db, dialect, sqltidbok.WithClock(a.now))
	if err != nil {
		_ = a.db.Close()
		return fmt.Errorf("opening the appointment book (%s): %w", a.store, err)
	}
	a.staffBook = a.book
	a.stores, err = sqlstore.Open(ctx, a.db, dialect)
	if err == nil {
		// Login sessions too, so that a restart logs nobody out.
		a.sessions, err = openSessions(ctx, a.db, dialect, a.now, a.log, cfg.BehindTLSProxy)
	}
	if err != nil {
		_ = a.book.Close()
		_ = a.db.Close()
		return fmt.Errorf("opening the stores (%s): %w", a.store, err)
	}
	return nil
}

// privateFiles creates the data folder dir (0700) and the SQLite
// database file path in it (0600) unless they exist, and takes away
// others' access to the database and its -wal and -shm files if they
// exist already: they hold citizens' bookings. SQLite creates the -wal
// and -shm files with the mode of the database file.
func privateFiles(dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the data folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("creating the database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("creating the database file: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("checking the database file: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("making the database file private: %w", err)
			}
		}
	}
	return nil
}

// Close closes the book and its database.
func (a *app) Close() error {
	a.stopWatchers()
	errs := []error{a.stopDelivery()}
	if a.wire != nil {
		a.wire.stop()
	}
	if a.book != nil {
		errs = append(errs, a.book.Close())
	}
	if a.db != nil {
		errs = append(errs, a.db.Close())
	}
	return errors.Join(errs...)
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// routes returns the portal's handler: the pages behind the security
// headers, the cross-origin check and the CSRF check.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /{$}", a.start)
	mux.HandleFunc("GET /logga-in", a.login)
	mux.HandleFunc("/logga-in/svar", a.loginDone)
	mux.HandleFunc("POST /logga-ut", a.logout)
	mux.HandleFunc("GET /mina-bokningar", a.allBookings)
	mux.HandleFunc("GET /mina-bokningar/logg", a.accessLog)
	mux.HandleFunc("GET /mina-bokningar/meddelanden", a.sentMessages)
	mux.HandleFunc("POST /agera-for", a.actFor)

	// The citizen's flow at a clinic, under a case type.
	const ct = "/mottagning/{hsa}/{arende}"
	mux.HandleFunc("GET /mottagning/{hsa}", a.contactCard)
	mux.HandleFunc("GET "+ct, a.caseType)
	mux.HandleFunc("GET "+ct+"/villkor", a.termsPage)
	mux.HandleFunc("POST "+ct+"/villkor", a.acceptTerms)
	mux.HandleFunc("GET "+ct+"/tidstyp", a.timeTypes)
	mux.HandleFunc("GET "+ct+"/datum", a.dates)
	mux.HandleFunc("GET "+ct+"/tider", a.slots)
	mux.HandleFunc("POST "+ct+"/tider", a.hold)
	mux.HandleFunc("GET "+ct+"/bekrafta", a.confirmPage)
	mux.HandleFunc("POST "+ct+"/bekrafta", a.bookSlot)
	mux.HandleFunc("POST "+ct+"/slapp", a.release)
	mux.HandleFunc("GET "+ct+"/bekraftelse/{id}", a.confirmation)
	mux.HandleFunc("GET "+ct+"/bokningar", a.myBookings)
	mux.HandleFunc("GET "+ct+"/bokning/{id}", a.details)
	mux.HandleFunc("GET "+ct+"/bokning/{id}/kalender.ics", a.calendar)
	mux.HandleFunc("GET "+ct+"/bokning/{id}/omboka", a.rescheduleSearch)
	mux.HandleFunc("POST "+ct+"/bokning/{id}/omboka", a.rescheduleHold)
	mux.HandleFunc("GET "+ct+"/bokning/{id}/omboka/bekrafta", a.rescheduleConfirmPage)
	mux.HandleFunc("POST "+ct+"/bokning/{id}/omboka/bekrafta", a.reschedule)
	mux.HandleFunc("GET "+ct+"/bokning/{id}/avboka", a.cancelPage)
	mux.HandleFunc("POST "+ct+"/bokning/{id}/avboka", a.cancel)
	mux.HandleFunc("POST "+ct+"/bokning/{id}/bekrafta-kallelse", a.acceptInvitation)
	mux.HandleFunc("POST "+ct+"/bokning/{id}/aterbud", a.joinWaitlist)
	mux.HandleFunc("POST "+ct+"/bokning/{id}/aterbud/lamna", a.leaveWaitlist)
	mux.HandleFunc("GET /aterbud", a.offerPage)
	mux.HandleFunc("POST /aterbud", a.acceptOffer)
	mux.HandleFunc("GET "+ct+"/kallelse/{id}", a.invitation)
	mux.HandleFunc("GET "+ct+"/kallelse/{id}/tider", a.invitationSlots)
	mux.HandleFunc("POST "+ct+"/kallelse/{id}", a.bookInvitation)
	mux.HandleFunc("GET "+ct+"/forfragan", a.requestPage)
	mux.HandleFunc("POST "+ct+"/forfragan", a.submitRequest)
	mux.HandleFunc("GET "+ct+"/forfragan/skickad", a.requestSent)

	// The clinic's local administrator.
	mux.HandleFunc("GET /admin", a.adminList)
	mux.HandleFunc("GET /admin/arendetyp/{id}", a.adminEdit)
	mux.HandleFunc("POST /admin/arendetyp/{id}", a.adminSave)
	mux.HandleFunc("POST /admin/arendetyp/{id}/aktivera", a.adminActivate)
	mux.HandleFunc("POST /admin/arendetyp/{id}/inaktivera", a.adminDeactivate)
	mux.HandleFunc("GET /admin/arendetyp/{id}/villkor", a.adminTerms)
	mux.HandleFunc("POST /admin/arendetyp/{id}/villkor", a.adminTermsPost)

	// The clinic's staff.
	mux.HandleFunc("GET /personal", a.staffDay)
	mux.HandleFunc("POST /personal/publicera", a.staffPublish)
	mux.HandleFunc("GET /personal/ta-bort", a.staffWithdrawPage)
	mux.HandleFunc("POST /personal/dra-tillbaka", a.staffWithdraw)
	mux.HandleFunc("POST /personal/webbokning", a.staffWebBookable)
	mux.HandleFunc("POST /personal/forfragan/{id}/avsluta", a.staffCloseRequest)
	mux.HandleFunc("GET /personal/aterbud", a.staffWaitlist)

	mux.HandleFunc("/", a.notFound)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(a.forbiddenPost))
	return a.recoverer(a.securityHeaders(a.sessions.withSession(withMemo(cop.Handler(a.checkCSRF(mux))))))
}

// securityHeaders sets the headers every answer carries: a content
// security policy that allows only the portal's own style sheet and no
// script at all, no framing, no MIME sniffing, and no referrer outside the
// portal; and, over TLS or behind a TLS-terminating proxy, HSTS.
func (a *app) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self"+a.formAction+"; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil || a.behindTLSProxy {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// maxForm is the largest form body the portal reads.
const maxForm = 64 << 10

// checkCSRF refuses every request that is not GET, HEAD or OPTIONS unless
// it carries the session's CSRF token in the form field "csrf" (the login
// form: the login's; see tokenOK).
func (a *app) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			a.errorPage(w, r, http.StatusBadRequest, "Felaktig begäran", "Formuläret kunde inte läsas. Gå tillbaka och försök igen.")
			return
		}
		if !a.tokenOK(r, r.PostFormValue("csrf")) {
			// A form of this site (it passed the cross-origin check) sent
			// after the citizen's session expired is kept, and they are
			// asked to log in again to go on (see resume.go).
			if a.offerResume(w, r) {
				a.log.Info("a form was sent after its session expired; kept for the next login", "path", r.URL.Path)
				return
			}
			a.forbiddenPost(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tokenOK reports whether t is the CSRF token of r's session, or, for
// the login's answer, of the login in progress (see login.go).
func (a *app) tokenOK(r *http.Request, t string) bool {
	if sessionOf(r).checkToken(t) {
		return true
	}
	if r.URL.Path != "/logga-in/svar" {
		return false
	}
	l, ok := a.sessions.pendingLoginOf(r)
	return ok && l.checkToken(t)
}

// forbiddenPost answers a POST that failed the CSRF or cross-origin check.
func (a *app) forbiddenPost(w http.ResponseWriter, r *http.Request) {
	a.log.Warn("refused a form post: CSRF token or origin", "path", r.URL.Path)
	a.errorPage(w, r, http.StatusForbidden, "Sidan har gått ut",
		"Formuläret kunde inte skickas, kanske för att sidan var gammal eller du hade loggats ut. Gå tillbaka, ladda om sidan och försök igen.")
}

// recoverer turns a panic in a handler into a logged 500.
func (a *app) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.Error("panic in handler", "path", r.URL.Path, "panic", v)
				a.errorPage(w, r, http.StatusInternalServerError, "Något gick fel", "Något gick fel. Försök igen om en stund.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// localPath returns p if it is a path on this site, else "". A browser
// reads a Location header leniently: it drops tabs and line breaks,
// takes a backslash for a slash, and "//host" as another site. So p
// must be an absolute path that starts with exactly one slash and holds
// no control character and no backslash, and it must parse as a URL
// with neither scheme nor host.
func localPath(p string) string {
	if len(p) == 0 || p[0] != '/' || len(p) > 1 && (p[1] == '/' || p[1] == '\\') || !utf8.ValidString(p) {
		return ""
	}
	for _, c := range p {
		if c == '\\' || unicode.IsControl(c) {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	return p
}

func (a *app) notFound(w http.ResponseWriter, r *http.Request) {
	a.errorPage(w, r, http.StatusNotFound, "Sidan finns inte", "Sidan du söker finns inte. Kontrollera adressen eller gå till startsidan.")
}

// unavailable answers a request the portal could not serve because its
// database failed.
func (a *app) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("the portal's database failed", "path", r.URL.Path, "err", err)
	a.errorPage(w, r, http.StatusServiceUnavailable, "Tjänsten är inte tillgänglig",
		"Tjänsten är inte tillgänglig just nu. Försök igen om en stund.")
}
