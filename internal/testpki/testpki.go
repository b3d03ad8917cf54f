// Package testpki makes a throwaway public-key infrastructure in memory
// for tests of mutual TLS, as RIV-TA uses it: a CA, a server certificate
// for localhost (127.0.0.1 and ::1), and client certificates that carry
// an HSA-id in the subject's serialNumber, as SITHS function certificates
// do. Keys are ECDSA P-256.
//
// The tests of tidbok/producer and mvkclient use it with httptest:
//
//	pki := testpki.New(t)
//	srv := httptest.NewUnstartedServer(handler)
//	srv.TLS = pki.ServerTLS()
//	srv.StartTLS()
//	client := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.ClientTLS("SE2321000016-A65H")}}
//
// Nothing here is fit for production: keys live in memory and the CA signs
// whatever it is asked to. It is non-test code only so that several
// packages can share it; no production code imports it.
//
// A PKI is safe for concurrent use.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"testing"
	"time"
)

// PKI is a CA with a server certificate; it issues client certificates
// on demand.
type PKI struct {
	ca        *x509.Certificate
	caKey     *ecdsa.PrivateKey
	pool      *x509.CertPool
	server    tls.Certificate
	notBefore time.Time
	notAfter  time.Time
}

// New returns a fresh PKI whose certificates are valid from an hour ago
// for a day. It fails t if a key or certificate cannot be made.
func New(t testing.TB) *PKI {
	t.Helper()
	p, err := Generate(24 * time.Hour)
	if err != nil {
		t.Fatalf("testpki: %v", err)
	}
	return p
}

// Generate returns a fresh PKI whose certificates are valid from an hour
// ago for validFor (at least a minute).
func Generate(validFor time.Duration) (*PKI, error) {
	validFor = max(validFor, time.Minute)
	now := time.Now()
	p := &PKI{notBefore: now.Add(-time.Hour), notAfter: now.Add(validFor)}

	caKey, err := newKey()
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "webbtidbok test CA", Organization: []string{"webbtidbok test"}},
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := p.sign(caTmpl, nil, caKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("testpki: CA: %w", err)
	}
	if p.ca, err = x509.ParseCertificate(der); err != nil {
		return nil, fmt.Errorf("testpki: CA: %w", err)
	}
	p.caKey = caKey
	p.pool = x509.NewCertPool()
	p.pool.AddCert(p.ca)

	serverKey, err := newKey()
	if err != nil {
		return nil, err
	}
	serverTmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost", Organization: []string{"webbtidbok test"}},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if p.server, err = p.issue(serverTmpl, serverKey); err != nil {
		return nil, fmt.Errorf("testpki: server certificate: %w", err)
	}
	return p, nil
}

func newKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testpki: generating a key: %w", err)
	}
	return k, nil
}

// sign fills in serial number and validity and signs tmpl with
// signer as parent (nil: self-signed).
func (p *PKI) sign(tmpl, parent *x509.Certificate, key, signer *ecdsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = p.notBefore, p.notAfter
	if parent == nil {
		parent = tmpl
	}
	return x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
}

// issue signs tmpl with the CA for key and returns the pair with its
// chain.
func (p *PKI) issue(tmpl *x509.Certificate, key *ecdsa.PrivateKey) (tls.Certificate, error) {
	der, err := p.sign(tmpl, p.ca, key, p.caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// Pool returns a new pool holding the CA certificate: the RootCAs of a
// client and the ClientCAs of a server.
func (p *PKI) Pool() *x509.CertPool { return p.pool.Clone() }

// CA returns the CA certificate.
func (p *PKI) CA() *x509.Certificate { return p.ca }

// ServerCert returns the server certificate (SAN localhost, 127.0.0.1,
// ::1) with its key.
func (p *PKI) ServerCert() tls.Certificate { return p.server }

// ServerTLS returns a fresh server configuration with the server
// certificate that requires and verifies a client certificate from the CA
// (TLS 1.2 or later).
func (p *PKI) ServerTLS() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.Pool(),
		MinVersion:   tls.VersionTLS12,
	}
}

// ClientCert returns a new client certificate, issued by the CA, whose
// subject has hsaID as serialNumber and common name. hsaID is not
// checked, so tests can also make certificates with a malformed one.
func (p *PKI) ClientCert(hsaID string) (tls.Certificate, error) {
	key, err := newKey()
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hsaID, SerialNumber: hsaID, Organization: []string{"webbtidbok test"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	c, err := p.issue(tmpl, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("testpki: client certificate: %w", err)
	}
	return c, nil
}

// ClientTLS returns a fresh client configuration that trusts the CA and
// presents a new client certificate for hsaID (see [PKI.ClientCert]). It
// panics if the certificate cannot be made, which takes a broken random
// source.
func (p *PKI) ClientTLS(hsaID string) *tls.Config {
	c, err := p.ClientCert(hsaID)
	if err != nil {
		panic(err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{c},
		RootCAs:      p.Pool(),
		MinVersion:   tls.VersionTLS12,
	}
}

// CAPEM returns the CA certificate in PEM form.
func (p *PKI) CAPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.ca.Raw})
}

// ServerPEM returns the server certificate and its PKCS #8 key in PEM
// form, as tls.LoadX509KeyPair reads them.
func (p *PKI) ServerPEM() (certPEM, keyPEM []byte, err error) {
	return pemPair(p.server)
}

// ClientPEM returns a new client certificate for hsaID and its PKCS #8
// key in PEM form.
func (p *PKI) ClientPEM(hsaID string) (certPEM, keyPEM []byte, err error) {
	c, err := p.ClientCert(hsaID)
	if err != nil {
		return nil, nil, err
	}
	return pemPair(c)
}

func pemPair(c tls.Certificate) (certPEM, keyPEM []byte, err error) {
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("testpki: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})
	return certPEM, keyPEM, nil
}
