// Package smtptest runs a real SMTP submission server on loopback for
// tests, built on github.com/emersion/go-smtp: STARTTLS or implicit TLS
// with the test PKI's server certificate, AUTH PLAIN, and every message
// it accepts kept for the test to read back.
package smtptest

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a [Server].
type Options struct {
	// TLS is the server's TLS configuration (a certificate); required.
	TLS *tls.Config
	// ImplicitTLS serves TLS from the first byte; otherwise the server
	// offers STARTTLS.
	ImplicitTLS bool
	// Users are the accounts AUTH PLAIN accepts, by name; empty accepts
	// mail without authentication.
	Users map[string]string
	// Refuse, if set, is asked about each recipient: a non-nil error
	// refuses it (use *smtp.SMTPError for a code).
	Refuse func(to string) error
}

// Received is a message the server accepted.
type Received struct {
	// User is the authenticated user, From the envelope sender, To the
	// envelope recipients, Data the message as sent.
	User, From string
	To         []string
	Data       []byte
	// TLS reports that the message came over TLS.
	TLS bool
}

// Server is a running SMTP server.
type Server struct {
	// Addr is host:port; Host and Port the same apart.
	Addr string
	Host string
	Port int

	opts Options
	srv  *smtp.Server

	mu     sync.Mutex
	msgs   []Received
	notify chan struct{}
}

// Start starts a server on 127.0.0.1 and stops it when t ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Listen(opts)
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Listen starts a server on 127.0.0.1; Close stops it.
func Listen(opts Options) (*Server, error) {
	if opts.TLS == nil {
		return nil, errors.New("smtptest: Options.TLS is required")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, notify: make(chan struct{})}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.ErrorLog = log.New(io.Discard, "", 0) // a client killed mid-session is expected
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	s.srv.MaxMessageBytes = 1 << 20
	s.srv.TLSConfig = opts.TLS
	if opts.ImplicitTLS {
		l = tls.NewListener(l, opts.TLS)
	}
	a := l.Addr().(*net.TCPAddr)
	s.Addr, s.Host, s.Port = a.String(), "127.0.0.1", a.Port
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Messages returns the messages accepted so far, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Count returns how many messages were accepted.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// Wait waits until n messages were accepted or d passed, and reports
// whether they were.
func (s *Server) Wait(n int, d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := len(s.msgs), s.notify
		s.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, conn: c}, nil
}

type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if want, ok := ss.s.opts.Users[username]; !ok || want != password || (identity != "" && identity != username) {
			return errors.New("invalid credentials")
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if len(ss.s.opts.Users) > 0 && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := ss.s.opts.Refuse; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, Received{User: ss.user, From: ss.from, To: ss.to, Data: data, TLS: isTLS})
	close(ss.s.notify)
	ss.s.notify = make(chan struct{})
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }
