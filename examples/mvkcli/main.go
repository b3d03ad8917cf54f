// Command mvkcli talks to a crm:scheduling producer as a citizen's portal
// does, through mvkclient: it lists time types, free slots and bookings,
// books a slot and cancels a booking, and prints what the producer
// answered.
//
//	go run ./examples/mvkcli -url http://127.0.0.1:8081 -facility SE2321000016-A65H -subject 191212121212 slots
//	go run ./examples/mvkcli … book <slotID>
//	go run ./examples/mvkcli … bookings
//	go run ./examples/mvkcli … cancel <bookingID>
//
// -url is the base URL under which each contract has its path
// (<url>/<Contract>/1/rivtabp21). For mutual TLS give -cert and -key (the
// portal's client certificate, PEM) and -ca (the CAs that sign the
// producer's certificate, PEM).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mvkcli:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `usage: mvkcli -url URL -facility HSA-ID -subject PERSONNUMMER [flags] command
commands:
  timetypes           time types the citizen may book
  slots               free slots from -from for -days days
  book SLOT-ID        book a free slot (found among those slots)
  bookings            the citizen's bookings
  cancel BOOKING-ID   cancel a booking
flags:`

// run parses args, calls the producer and writes the answer to stdout.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("mvkcli", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		baseURL  = fs.String("url", "", "base URL of the producer or platform, e.g. https://vp.example/vp/crm/scheduling")
		facility = fs.String("facility", "", "the clinic's HSA-id")
		subject  = fs.String("subject", "", "the citizen's personal identity number (12 digits)")
		certFile = fs.String("cert", "", "client certificate (PEM) for mutual TLS")
		keyFile  = fs.String("key", "", "the client certificate's private key (PEM)")
		caFile   = fs.String("ca", "", "CA certificates (PEM) that sign the producer's certificate")
		from     = fs.String("from", "", "first date searched, YYYY-MM-DD (default today)")
		days     = fs.Int("days", 14, "number of days searched")
		name     = fs.String("name", "Tolvan Tolvansson", "the citizen's first and last name, for booking")
		timeout  = fs.Duration("timeout", 10*time.Second, "time allowed for the command")
	)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v\n%s\n%s", errUsage, err, usage, flagDefaults(fs))
	}
	cmd := fs.Args()
	if len(cmd) == 0 || *baseURL == "" || *facility == "" || *subject == "" {
		return fmt.Errorf("%w: -url, -facility, -subject and a command are required\n%s\n%s", errUsage, usage, flagDefaults(fs))
	}
	clinic, err := tidbok.ParseHSAID(*facility)
	if err != nil {
		return fmt.Errorf("-facility: %w", err)
	}
	citizen, err := tidbok.ParsePersonalNumber(*subject)
	if err != nil {
		return fmt.Errorf("-subject: %w", err)
	}
	first := tidbok.DateOf(time.Now())
	if *from != "" {
		if first, err = tidbok.ParseWireDate(strings.ReplaceAll(*from, "-", "")); err != nil {
			return fmt.Errorf("-from: %w", err)
		}
	}
	if *days < 1 {
		return fmt.Errorf("%w: -days must be at least 1", errUsage)
	}
	tlsConfig, err := loadTLS(*certFile, *keyFile, *caFile)
	if err != nil {
		return err
	}
	client, err := mvkclient.New(mvkclient.Config{BaseURL: *baseURL, TLSConfig: tlsConfig})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	c := &cli{client: client, out: stdout, clinic: clinic, citizen: citizen, from: first, to: first.AddDays(*days - 1)}
	c.first, c.last, _ = strings.Cut(strings.TrimSpace(*name), " ")
	switch {
	case cmd[0] == "timetypes" && len(cmd) == 1:
		err = c.timeTypes(ctx)
	case cmd[0] == "slots" && len(cmd) == 1:
		err = c.slots(ctx)
	case cmd[0] == "book" && len(cmd) == 2:
		err = c.book(ctx, cmd[1])
	case cmd[0] == "bookings" && len(cmd) == 1:
		err = c.bookings(ctx)
	case cmd[0] == "cancel" && len(cmd) == 2:
		err = c.cancel(ctx, cmd[1])
	default:
		return fmt.Errorf("%w: unknown command %q\n%s", errUsage, strings.Join(cmd, " "), usage)
	}
	return explain(err)
}

func flagDefaults(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// loadTLS returns the TLS configuration the flags describe, or nil for
// Go's defaults.
func loadTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	if certFile == "" && keyFile == "" && caFile == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if (certFile == "") != (keyFile == "") {
		return nil, fmt.Errorf("%w: give both -cert and -key, or neither", errUsage)
	}
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-ca: no PEM certificate in %s", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// explain adds what the citizen would be told to an error.
func explain(err error) error {
	if err == nil {
		return nil
	}
	if text, ok := tidbok.CitizenText(err); ok {
		return fmt.Errorf("%w\nthe clinic says: %s", err, text)
	}
	switch {
	case errors.Is(err, tidbok.ErrOutcomeUnknown):
		return fmt.Errorf("%w\nthe outcome is unknown: list the bookings before trying again", err)
	case errors.Is(err, tidbok.ErrNotSent):
		return fmt.Errorf("%w\nnothing was sent: it is safe to try again", err)
	}
	return err
}
