package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// certsValidFor is how long the certificates genCerts writes are valid.
const certsValidFor = 30 * 24 * time.Hour

// genCerts writes a throwaway CA, a server certificate for localhost, a
// client certificate for consumer and a sample GetAllTimeTypes request to
// dir, and tells w how to use them.
//
// The client certificate carries the consumer's HSA-id in the subject's
// serialNumber, where a SITHS function certificate has it and where the
// producer reads it. Keys are ECDSA P-256. Nothing here is fit for
// production: the CA's key is discarded, so the CA cannot issue more.
func genCerts(dir, consumer string, facility tidbok.HSAID, w io.Writer) error {
	if _, err := tidbok.ParseHSAID(consumer); err != nil {
		return fmt.Errorf("-consumer: %w", err)
	}
	org := []string{"webbtidbok example"}
	ca, issuer, err := newCertificate(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "webbtidbok example CA", Organization: org},
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil)
	if err != nil {
		return fmt.Errorf("the CA: %w", err)
	}
	server, _, err := newCertificate(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost", Organization: org},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, issuer)
	if err != nil {
		return fmt.Errorf("the server certificate: %w", err)
	}
	client, _, err := newCertificate(&x509.Certificate{
		Subject:     pkix.Name{CommonName: consumer, SerialNumber: consumer, Organization: org},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, issuer)
	if err != nil {
		return fmt.Errorf("the client certificate: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"ca.pem", ca.certPEM, 0o644},
		{"server.pem", server.certPEM, 0o644},
		{"server-key.pem", server.keyPEM, 0o600},
		{"client.pem", client.certPEM, 0o644},
		{"client-key.pem", client.keyPEM, 0o600},
		{"GetAllTimeTypes.xml", []byte(sampleRequest(facility)), 0o644},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, `Wrote a test CA, certificates (valid 30 days, not for production) and a request to %[1]s.
Serve with client certificates:
  go run ./examples/producer -facility %[2]s -cert %[1]s/server.pem -key %[1]s/server-key.pem -client-ca %[1]s/ca.pem -consumers %[3]s
Call it as consumer %[3]s:
  curl --cacert %[1]s/ca.pem --cert %[1]s/client.pem --key %[1]s/client-key.pem \
    -H 'Content-Type: text/xml; charset=utf-8' \
    -H 'SOAPAction: "urn:riv:crm:scheduling:GetAllTimeTypesResponder:1:GetAllTimeTypes"' \
    --data-binary @%[1]s/GetAllTimeTypes.xml https://localhost:8081/GetAllTimeTypes/1/rivtabp21
`, dir, facility, consumer)
	return nil
}

// sampleRequest is a GetAllTimeTypes request to facility, as a consumer
// writes it, for the test citizen Tolvan Tolvansson.
func sampleRequest(facility tidbok.HSAID) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">` + facility.String() + `</itr:LogicalAddress>
    <ih:Actor xmlns:ih="urn:riv:interoperability:headers:1">
      <ih:actorId>191212121212</ih:actorId>
      <ih:actorType>subject_of_care</ih:actorType>
    </ih:Actor>
  </soapenv:Header>
  <soapenv:Body>
    <t:GetAllTimeTypes xmlns:t="urn:riv:crm:scheduling:GetAllTimeTypesResponder:1"
        xmlns:t11="urn:riv:crm:scheduling:GetAllTimeTypesResponder:1.1">
      <t:healthcare_facility>` + facility.String() + `</t:healthcare_facility>
      <t11:subject_of_care>191212121212</t11:subject_of_care>
    </t:GetAllTimeTypes>
  </soapenv:Body>
</soapenv:Envelope>
`
}

// pemPair is a certificate and its PKCS #8 key in PEM form, as
// tls.LoadX509KeyPair reads them.
type pemPair struct{ certPEM, keyPEM []byte }

// signer is a CA that signs certificates.
type signer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// newCertificate makes a new key and a certificate for it from tmpl,
// valid from an hour ago for certsValidFor, signed by ca or, when ca is
// nil, by itself. It returns the pair, and the certificate as a signer
// for when tmpl is a CA.
func newCertificate(tmpl *x509.Certificate, ca *signer) (pemPair, *signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return pemPair{}, nil, err
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)); err != nil {
		return pemPair{}, nil, err
	}
	now := time.Now()
	tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(certsValidFor)
	parent, parentKey := tmpl, key
	if ca != nil {
		parent, parentKey = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return pemPair{}, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return pemPair{}, nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return pemPair{}, nil, err
	}
	return pemPair{
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
	}, &signer{cert: cert, key: key}, nil
}
