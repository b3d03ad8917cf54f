package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	booktel "github.com/webbtidbok/webbtidbok/tidbok/telemetry"
)

// options are the command line.
type options struct {
	addr, facility          string
	data, dsn               string
	cert, key, clientCA     string
	genCerts, consumerHSAID string
	consumers               string
	anyConsumer             bool
	trustPlatform           bool
	fhirPath                string
	telemetry               telemetryOptions
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("producer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8081", "address to listen on")
	fs.StringVar(&o.facility, "facility", "SE2321000016-A65H", "HSA-id of the demo clinic: the logical address served")
	fs.StringVar(&o.data, "data", "", "folder of a SQLite database that keeps the book (the portal's file there, created and seeded when new); default: a fresh book in memory")
	fs.StringVar(&o.dsn, "dsn", "", "PostgreSQL connection string (postgres://…) of a database that keeps the book, instead of -data")
	fs.StringVar(&o.cert, "cert", "", "server certificate (PEM); with -key and -client-ca, serve HTTPS with client certificates")
	fs.StringVar(&o.key, "key", "", "server private key (PEM)")
	fs.StringVar(&o.clientCA, "client-ca", "", "CA certificates (PEM) that issue the consumers' client certificates")
	fs.StringVar(&o.genCerts, "gen-certs", "", "write a throwaway CA, server and client certificates and a sample request to this directory, and exit")
	fs.StringVar(&o.consumerHSAID, "consumer", "SE5565594230-B9P", "with -gen-certs: the HSA-id in the client certificate")
	fs.StringVar(&o.consumers, "consumers", "", "comma-separated HSA-ids of the consumers whose client certificates may call (HTTPS only); required with -cert unless -any-consumer")
	fs.BoolVar(&o.anyConsumer, "any-consumer", false, "with -cert: let every consumer whose certificate the CA issued call; plain HTTP always lets anyone call")
	fs.BoolVar(&o.trustPlatform, "trust-platform", false, "trust the service platform to authorize who acts for whom (producer.TrustPlatform) instead of checking each request's actor")
	fs.StringVar(&o.fhirPath, "fhir", "", "also serve the book as FHIR R4 (IHE ITI Scheduling) below this path, e.g. /fhir")
	o.telemetry.register(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.data != "" && o.dsn != "" {
		return o, errors.New("-data and -dsn both name a book: give -data for SQLite or -dsn for PostgreSQL, not both")
	}
	if n := countSet(o.cert, o.key, o.clientCA); n != 0 && n != 3 {
		return o, errors.New("-cert, -key and -client-ca go together: give all three for HTTPS, or none for plain HTTP")
	}
	switch {
	case o.cert == "" && o.consumers != "":
		return o, errors.New("-consumers needs client certificates: serve HTTPS with -cert, -key and -client-ca")
	case o.cert != "" && o.consumers == "" && !o.anyConsumer:
		return o, errors.New("-cert serves consumers with client certificates: name those that may call with -consumers, or give -any-consumer")
	case o.consumers != "" && o.anyConsumer:
		return o, errors.New("-consumers and -any-consumer both set: keep the list, or drop it to let any consumer call")
	}
	return o, nil
}

func countSet(ss ...string) int {
	n := 0
	for _, s := range ss {
		if s != "" {
			n++
		}
	}
	return n
}

// run serves the demo book until ctx ends, then shuts down gracefully and
// closes the book. ready, when not nil, is called with the address
// listened on once the server accepts connections.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addr string)) (err error) {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	facility, err := tidbok.ParseHSAID(o.facility)
	if err != nil {
		return fmt.Errorf("-facility: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if o.genCerts != "" {
		return genCerts(o.genCerts, o.consumerHSAID, facility, stderr)
	}

	// The SDK is installed as OpenTelemetry's globals, which the
	// producer and the books report to by default.
	tel, err := startTelemetry(ctx, o.telemetry, "webbtidbok-producer", log)
	if err != nil {
		return err
	}
	defer func() {
		if terr := tel.close(context.WithoutCancel(ctx), nil); terr != nil {
			err = errors.Join(err, fmt.Errorf("shutting down telemetry: %w", terr))
		}
	}()

	book, err := openBook(ctx, o, facility, time.Now())
	if err != nil {
		return err
	}
	defer func() {
		if cerr := book.close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("closing the book (%s): %w", book.store, cerr))
		}
	}()
	cfg := producer.Config{Facilities: []tidbok.HSAID{facility}, Logger: log, Audit: book.audit}
	if cfg.Consumers, err = parseConsumers(o.consumers); err != nil {
		return err
	}
	// Plain HTTP carries no client certificate to check.
	cfg.AnyConsumer = o.anyConsumer || o.cert == ""
	if o.trustPlatform {
		cfg.Policy = producer.TrustPlatform
	}
	// The book's calls get spans and metrics of their own, beside the
	// producer's requests; without -metrics-addr or -otlp-endpoint both
	// report to the globals, which do nothing.
	bookName := "sqltidbok"
	if book.store == "memory" {
		bookName = "memtidbok"
	}
	instrumented := booktel.Wrap(book.Tidbok, booktel.Config{TracerProvider: tel.tracerProvider, MeterProvider: tel.meterProvider, Book: bookName})
	cfg.TracerProvider, cfg.MeterProvider = tel.tracerProvider, tel.meterProvider
	h, err := producer.New(instrumented, cfg)
	if err != nil {
		return err
	}
	var handler http.Handler = h
	if o.fhirPath != "" {
		if handler, err = withFHIR(o.fhirPath, instrumented, h, cfg, book.audit, log); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if o.cert != "" {
		if srv.TLSConfig, err = serverTLS(o); err != nil {
			return err
		}
		scheme = "https"
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	log.Info("serving crm:scheduling 1.1", "facility", facility.String(), "book", book.store, "slots_published", book.published,
		"example", fmt.Sprintf("%s://%s/GetAllTimeTypes/1/rivtabp21", scheme, ln.Addr()), "client_certificates", scheme == "https",
		"policy", cfg.Policy.String(), "consumers", consumerList(cfg))
	if o.fhirPath != "" {
		log.Info("serving FHIR R4 (IHE ITI Scheduling)", "metadata", fmt.Sprintf("%s://%s%s/metadata", scheme, ln.Addr(), o.fhirPath),
			"find", fmt.Sprintf("%s://%s%s/Appointment/$find", scheme, ln.Addr(), o.fhirPath), "actor_header", fhir.ActorHeader)
	}
	served := make(chan error, 1)
	go func() {
		if scheme == "https" {
			served <- srv.ServeTLS(ln, "", "")
		} else {
			served <- srv.Serve(ln)
		}
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseConsumers reads -consumers, reporting every bad HSA-id at once.
func parseConsumers(list string) ([]tidbok.HSAID, error) {
	if list == "" {
		return nil, nil
	}
	var ids []tidbok.HSAID
	var errs []error
	for s := range strings.SplitSeq(list, ",") {
		id, err := tidbok.ParseHSAID(strings.TrimSpace(s))
		if err != nil {
			errs = append(errs, fmt.Errorf("-consumers: %w", err))
			continue
		}
		ids = append(ids, id)
	}
	return ids, errors.Join(errs...)
}

// consumerList describes who may call, for the start-up log.
func consumerList(cfg producer.Config) string {
	if cfg.AnyConsumer {
		return "any"
	}
	names := make([]string, len(cfg.Consumers))
	for i, id := range cfg.Consumers {
		names[i] = id.String()
	}
	return strings.Join(names, ",")
}

// serverTLS loads the server's key pair and the consumers' CA into a
// configuration that requires client certificates.
func serverTLS(o options) (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(o.cert, o.key)
	if err != nil {
		return nil, fmt.Errorf("-cert/-key: %w", err)
	}
	caPEM, err := os.ReadFile(o.clientCA)
	if err != nil {
		return nil, fmt.Errorf("-client-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("-client-ca: no PEM certificate in %s", o.clientCA)
	}
	cfg := producer.RequireClientCert(pool)
	cfg.Certificates = []tls.Certificate{pair}
	return cfg, nil
}
