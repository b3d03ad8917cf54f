package delivery_test

import (
	"crypto/tls"

	"github.com/emersion/go-smtp"

	"github.com/webbtidbok/webbtidbok/internal/testpki"
)

// tlsServer is the test SMTP server's TLS: the test PKI's server
// certificate, no client certificate.
type tlsServer struct{ pki *testpki.PKI }

func (s tlsServer) config() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{s.pki.ServerCert()}, MinVersion: tls.VersionTLS12}
}

// tlsClient trusts the test PKI's CA.
type tlsClient struct{ pki *testpki.PKI }

func (c tlsClient) config() *tls.Config {
	return &tls.Config{RootCAs: c.pki.Pool(), MinVersion: tls.VersionTLS12}
}

// noSuchUser refuses a recipient for good.
var noSuchUser = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
