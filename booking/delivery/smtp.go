package delivery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	gomail "github.com/wneessen/go-mail"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Security is how an SMTP connection is protected.
type Security uint8

// The ways to protect an SMTP connection.
const (
	// StartTLS: plain connection upgraded with STARTTLS, which the
	// server must offer (port 587). The zero value.
	StartTLS Security = iota
	// ImplicitTLS: TLS from the first byte (port 465).
	ImplicitTLS
)

// SMTPConfig configures an [SMTP] sender. Host and From are required.
type SMTPConfig struct {
	// Host and Port are the submission server's. Default port: 587 for
	// StartTLS, 465 for ImplicitTLS.
	Host string
	Port int
	// Security is StartTLS (default) or ImplicitTLS; there is no
	// unencrypted mode.
	Security Security
	// TLS is the TLS configuration (its ServerName defaults to Host).
	// Default: the system's roots.
	TLS *tls.Config
	// Username and Password authenticate with AUTH PLAIN (over TLS
	// only); an empty Username sends without authenticating.
	Username, Password string
	// From is the sender, e.g. "Vårdcentralen Exempel
	// <no-reply@example.se>"; its domain ends the Message-IDs.
	From string
	// Timeout bounds connecting and each command. Default: 30 s.
	Timeout time.Duration
}

// SMTP sends e-mail through a submission server, over STARTTLS or
// implicit TLS with AUTH PLAIN: a multipart message with the text and
// HTML as alternatives and the booking's calendar file attached
// (text/calendar with its METHOD). It keeps one connection open and
// sends on it one message at a time; make one per worker. It is safe for
// concurrent use.
type SMTP struct {
	cfg    SMTPConfig
	from   *mail.Address
	domain string

	mu     sync.Mutex
	client *gomail.Client
	open   bool
}

// NewSMTP returns an SMTP sender, or an error matching
// [tidbok.ErrInvalid] naming every problem with cfg.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	var p tidbok.Problems
	if cfg.Host == "" {
		p.Add("Host", "is required: the submission server's host name")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		p.Add("From", "is not an e-mail address: %v", err)
	}
	if cfg.Security > ImplicitTLS {
		p.Add("Security", "is unknown: use StartTLS or ImplicitTLS")
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("delivery: NewSMTP: %w", err)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.Security == ImplicitTLS {
			cfg.Port = 465
		}
	}
	cfg.Timeout = orDefault(cfg.Timeout, 30*time.Second)
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLS != nil {
		tc = cfg.TLS.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout), gomail.WithTLSConfig(tc),
		gomail.WithTLSPolicy(gomail.TLSMandatory),
	}
	if cfg.Security == ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("delivery: NewSMTP: %w", err)
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return &SMTP{cfg: cfg, from: from, domain: domain, client: c}, nil
}

// MessageID returns the Message-ID (without angle brackets) of the
// message with outbox key key sent from domain: the same for every copy.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:20]) + "@" + domain
}

// Send implements [Sender]. A recipient the server refuses for good
// (5xx) and an address that does not parse are permanent failures.
func (s *SMTP) Send(ctx context.Context, m Outgoing) (string, error) {
	msg, err := s.message(m)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		if err := s.client.DialWithContext(ctx); err != nil {
			return "", fmt.Errorf("delivery: connecting to %s: %w", s.cfg.Host, err)
		}
		s.open = true
	}
	if err := s.client.Send(msg); err != nil {
		_ = s.client.Close()
		s.open = false
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return "", backoff.Permanent(fmt.Errorf("delivery: the mail server refused the message: %w", err))
		}
		return "", fmt.Errorf("delivery: sending mail: %w", err)
	}
	return "250 accepted as <" + MessageID(m.Key, s.domain) + ">", nil
}

// Close closes the connection, if open.
func (s *SMTP) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		return nil
	}
	s.open = false
	return s.client.Close()
}

// message builds the MIME message of m.
func (s *SMTP) message(m Outgoing) (*gomail.Msg, error) {
	if strings.TrimSpace(m.To) == "" {
		return nil, backoff.Permanent(ErrNoAddress)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil || to.Name != "" || !strings.Contains(to.Address[strings.LastIndexByte(to.Address, '@')+1:], ".") {
		return nil, backoff.Permanent(fmt.Errorf("%w: e-mail %q", ErrBadAddress, m.To))
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.SetAddrHeaderFromMailAddress(gomail.HeaderFrom, s.from)
	if err := msg.To(to.Address); err != nil {
		return nil, backoff.Permanent(fmt.Errorf("%w: e-mail %q", ErrBadAddress, m.To))
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(MessageID(m.Key, s.domain))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if len(m.Calendar) > 0 {
		ct := "text/calendar; charset=UTF-8"
		if m.CalendarMethod != "" {
			ct += "; method=" + m.CalendarMethod
		}
		if err := msg.AttachReader("bokning.ics", bytes.NewReader(m.Calendar), gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("delivery: attaching the calendar: %w", err)
		}
	}
	return msg, nil
}
