package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// options are the command line.
type options struct {
	addr, data, dsn string
	tlsProxy        bool
	// oidc switches the login to a real e-ID provider when its Issuer
	// is set; publicURL is the portal's address as browsers reach it.
	oidc      oidcConfig
	publicURL string
	telemetry telemetryOptions
	mail      mailConfig
	// remotes are the -remote clinics; remoteCert, remoteKey and
	// remoteCA the client's TLS files for all of them.
	remotes                         remoteFlag
	remoteCert, remoteKey, remoteCA string
}

// remoteFlag collects the repeatable -remote HSAID=URL.
type remoteFlag []RemoteClinic

func (f *remoteFlag) String() string { return fmt.Sprint(len(*f), " remote clinics") }

func (f *remoteFlag) Set(s string) error {
	rc, err := parseRemote(s)
	if err != nil {
		return err
	}
	*f = append(*f, rc)
	return nil
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "localhost:8080", "address to listen on")
	fs.StringVar(&o.data, "data", "./data", "folder of the SQLite database that keeps the appointment book and the portal's stores")
	fs.StringVar(&o.dsn, "dsn", "", "PostgreSQL connection string (postgres://…); keeps the book and the stores there instead of in SQLite under -data")
	fs.BoolVar(&o.tlsProxy, "tls-proxy", false, "the portal is served behind a reverse proxy that terminates TLS and sets X-Forwarded-For: cookies are Secure with the __Host- prefix and HSTS is sent on every answer")
	fs.StringVar(&o.oidc.Issuer, "oidc-issuer", "", "issuer URL of an OpenID Provider under the Swedish OpenID Connect Profile (an e-ID service): replaces the demo login with a real one (default $WEBBTIDBOK_OIDC_ISSUER)")
	fs.StringVar(&o.oidc.ClientID, "oidc-client-id", "", "the portal's client ID at the provider (default $WEBBTIDBOK_OIDC_CLIENT_ID)")
	fs.StringVar(&o.oidc.ClientSecret, "oidc-client-secret", "", "the portal's client secret at the provider; prefer $WEBBTIDBOK_OIDC_CLIENT_SECRET, which a process list does not show")
	fs.StringVar(&o.publicURL, "public-url", "", "the portal's URL as browsers reach it, for the provider's redirect to /logga-in/svar (default: the address listened on)")
	fs.Var(&o.remotes, "remote", "a clinic whose book is reached over crm:scheduling, as HSAID=URL (the producer's or service platform's base address); repeatable")
	fs.StringVar(&o.remoteCert, "remote-cert", "", "the portal's client certificate (PEM) for -remote, with its HSA-id in the subject's serialNumber")
	fs.StringVar(&o.remoteKey, "remote-key", "", "the key of -remote-cert (PEM)")
	fs.StringVar(&o.remoteCA, "remote-ca", "", "the CA (PEM) that signed the -remote producers' server certificates; default the system's roots")
	o.telemetry.register(fs)
	o.mail.register(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.oidc.fromEnv()
	if o.oidc.Issuer != "" && o.oidc.ClientID == "" {
		return o, errors.New("-oidc-issuer needs -oidc-client-id")
	}
	tlsCfg, err := remoteTLS(o.remoteCert, o.remoteKey, o.remoteCA)
	if err != nil {
		return o, err
	}
	for i := range o.remotes {
		o.remotes[i].TLS = tlsCfg
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, nil
}

// run serves the portal until ctx ends, then shuts down gracefully. ready,
// when not nil, is called with the address listened on once the server
// accepts connections.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addr string)) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	tel, err := startTelemetry(ctx, o.telemetry, "webbtidbok-portal", log)
	if err != nil {
		return err
	}
	defer func() {
		if err := tel.close(context.WithoutCancel(ctx), nil); err != nil {
			log.Error("shutting down telemetry", "err", err)
		}
	}()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String()
	if host, _, err := net.SplitHostPort(o.addr); err == nil && (host == "localhost" || host == "") {
		if _, port, err := net.SplitHostPort(ln.Addr().String()); err == nil {
			url = "http://localhost:" + port
		}
	}
	if o.publicURL != "" {
		url = strings.TrimSuffix(o.publicURL, "/")
	}
	cfg := config{DataDir: o.data, DSN: o.dsn, Logger: log, BehindTLSProxy: o.tlsProxy, Remotes: o.remotes,
		TracerProvider: tel.tracerProvider, MeterProvider: tel.meterProvider, Mail: o.mail, PublicURL: url}
	if o.oidc.Issuer != "" {
		o.oidc.RedirectURL, o.oidc.PostLogoutURL = url+"/logga-in/svar", url+"/"
		ids, err := newOIDCIdentity(ctx, o.oidc, log)
		if err != nil {
			return err
		}
		cfg.Identity = ids
		log.Info("login: OpenID Connect", "issuer", o.oidc.Issuer, "client_id", o.oidc.ClientID, "redirect", o.oidc.RedirectURL)
	} else {
		log.Info("login: the demo login (not a real login); set -oidc-issuer for a real one")
	}
	a, err := newApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := a.Close(); err != nil {
			log.Error("closing the portal", "err", err)
		}
	}()
	srv := &http.Server{
		Handler:           a,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("portal listening", "url", url, "book", a.store)
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	log.Info("portal stopped")
	return err
}
