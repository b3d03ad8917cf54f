package producer

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// RequireClientCert returns a TLS server configuration for mutual TLS as
// RIV-TA requires: every client must present a certificate that verifies
// against pool (the CAs of the service platform or of the consumers
// allowed to call), and TLS 1.2 is the oldest version accepted. Add the
// server's own certificate to Certificates (or set GetCertificate) before
// use; the returned value is fresh and may be modified.
func RequireClientCert(pool *x509.CertPool) *tls.Config {
	return &tls.Config{
		ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs:  pool,
		MinVersion: tls.VersionTLS12,
	}
}

// ClientHSAID returns the HSA-id of the consumer that called over mutual
// TLS: the serialNumber attribute of its verified client certificate's
// subject, as SITHS function certificates carry it. ok is false when the
// request did not come over TLS, the client certificate was not verified
// (see [RequireClientCert]) or its serialNumber is not an HSA-id.
func ClientHSAID(r *http.Request) (id tidbok.HSAID, ok bool) {
	if r == nil || r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return tidbok.HSAID{}, false
	}
	id, err := tidbok.ParseHSAID(r.TLS.VerifiedChains[0][0].Subject.SerialNumber)
	if err != nil {
		return tidbok.HSAID{}, false
	}
	return id, true
}
