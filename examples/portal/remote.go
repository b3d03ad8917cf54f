package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// Remote clinics: most clinics a portal serves keep their book in their
// own system, reached over crm:scheduling with mutual TLS. The portal
// speaks to them through mvkclient.

// portalHSAID is the portal's HSA-id as a consumer of crm:scheduling: the
// serialNumber of its client certificate.
var portalHSAID = tidbok.MustHSAID("SE2321000016-PRTL")

// RemoteClinic is a clinic whose book is reached over crm:scheduling.
type RemoteClinic struct {
	// ID is the clinic's HSA-id, the logical address of its book.
	ID tidbok.HSAID
	// URL is the producer's (or the service platform's) base address.
	URL string
	// TLS is the client's TLS configuration: the portal's certificate and
	// the producer's CA. Nil means the system's roots and no client
	// certificate.
	TLS *tls.Config
}

// parseRemote reads a -remote flag's value, HSAID=URL.
func parseRemote(s string) (RemoteClinic, error) {
	id, u, ok := strings.Cut(s, "=")
	if !ok || u == "" {
		return RemoteClinic{}, fmt.Errorf("-remote %q: want HSAID=URL, e.g. SE2321000016-VC09=https://tidbok.example.se", s)
	}
	hsa, err := tidbok.ParseHSAID(id)
	if err != nil {
		return RemoteClinic{}, fmt.Errorf("-remote %q: %w", s, err)
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return RemoteClinic{}, fmt.Errorf("-remote %q: the URL must start with https://", s)
	}
	return RemoteClinic{ID: hsa, URL: u}, nil
}

// remoteTLS is the client TLS configuration of -remote-cert, -remote-key
// and -remote-ca; nil when none is given.
func remoteTLS(cert, key, ca string) (*tls.Config, error) {
	if cert == "" && key == "" && ca == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if (cert == "") != (key == "") {
		return nil, errors.New("-remote-cert and -remote-key go together")
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("-remote-cert/-remote-key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("-remote-ca: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-remote-ca: no PEM certificate in %s", ca)
		}
	}
	return cfg, nil
}

// dialRemote returns the client of a remote clinic's book.
func dialRemote(rc RemoteClinic) (*mvkclient.Client, error) {
	return mvkclient.New(mvkclient.Config{BaseURL: strings.TrimSuffix(rc.URL, "/"), TLSConfig: rc.TLS})
}

// wireDemo is the demo's remote clinic: a crm:scheduling producer the
// portal starts on loopback, serving an in-memory book with mutual TLS
// and certificates made at start, so that every citizen action at the
// clinic is a real SOAP exchange. Its book starts afresh at every start.
type wireDemo struct {
	book   *memtidbok.Book
	client *mvkclient.Client
	url    string
	// pki made the producer's and the portal's certificates.
	pki  demoPKI
	srv  *http.Server
	done chan struct{}

	mu   sync.Mutex
	seen map[tidbok.Operation]int // the producer's audited calls, by operation
}

// startWireDemo serves book for clinic on loopback and returns the
// portal's client of it.
func startWireDemo(book *memtidbok.Book, clinic tidbok.HSAID, guardians producer.GuardianRegister, now func() time.Time, log *slog.Logger) (*wireDemo, error) {
	pki, err := newDemoPKI()
	if err != nil {
		return nil, fmt.Errorf("the remote demo clinic's certificates: %w", err)
	}
	d := &wireDemo{book: book, pki: pki, done: make(chan struct{}), seen: map[tidbok.Operation]int{}}
	h, err := producer.New(book, producer.Config{
		Facilities: []tidbok.HSAID{clinic},
		Consumers:  []tidbok.HSAID{portalHSAID},
		Proxies:    producer.GuardianUnder13(guardians, now),
		Audit:      producer.AuditFunc(d.record),
		Clock:      now,
		Logger:     log,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	server := producer.RequireClientCert(pki.pool)
	server.Certificates = []tls.Certificate{pki.server}
	d.srv = &http.Server{Handler: h, TLSConfig: server, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		defer close(d.done)
		_ = d.srv.ServeTLS(ln, "", "")
	}()
	d.url = "https://" + ln.Addr().String()
	d.client, err = dialRemote(RemoteClinic{ID: clinic, URL: d.url, TLS: &tls.Config{
		MinVersion: tls.VersionTLS12, RootCAs: pki.pool, Certificates: []tls.Certificate{pki.client},
	}})
	if err != nil {
		d.stop()
		return nil, err
	}
	return d, nil
}

// record counts the producer's calls, for the demo's log and its tests.
func (d *wireDemo) record(_ context.Context, e producer.Event) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[e.Operation]++
	return nil
}

// calls returns how many calls of op the producer has served.
func (d *wireDemo) calls(op tidbok.Operation) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.seen[op]
}

// stop closes the producer at once: the clinic's book no longer answers.
func (d *wireDemo) stop() {
	_ = d.srv.Close()
	<-d.done
}

// demoPKI is a CA made at start, a server certificate for loopback and the
// portal's client certificate, all signed by it. The CA's key is
// forgotten once they are made.
type demoPKI struct {
	pool           *x509.CertPool
	caDER          []byte
	server, client tls.Certificate
}

func newDemoPKI() (demoPKI, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return demoPKI{}, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "webbtidbok portal demo CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
	}
	caDER, err := sign(ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return demoPKI{}, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return demoPKI{}, err
	}
	p := demoPKI{pool: x509.NewCertPool(), caDER: caDER}
	p.pool.AddCert(caCert)
	leaf := func(tmpl *x509.Certificate) (tls.Certificate, error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return tls.Certificate{}, err
		}
		tmpl.NotBefore, tmpl.NotAfter = ca.NotBefore, ca.NotAfter
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		der, err := sign(tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			return tls.Certificate{}, err
		}
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
	}
	if p.server, err = leaf(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}); err != nil {
		return demoPKI{}, err
	}
	// The consumer's HSA-id is in the subject's serialNumber, where a
	// SITHS function certificate has it and the producer reads it.
	if p.client, err = leaf(&x509.Certificate{
		Subject:     pkix.Name{CommonName: portalHSAID.String(), SerialNumber: portalHSAID.String()},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		return demoPKI{}, err
	}
	return p, nil
}

// sign makes tmpl a certificate of pub signed by parent's key.
func sign(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, key *ecdsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	return x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
}
