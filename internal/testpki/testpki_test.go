package testpki_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/testpki"
)

const hsaID = "SE2321000016-A65H"

// serve starts a TLS server that answers with the client certificate's
// subject serialNumber.
func serve(t *testing.T, cfg *tls.Config) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			http.Error(w, "no verified client certificate", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, r.TLS.VerifiedChains[0][0].Subject.SerialNumber)
	}))
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, cfg *tls.Config) (string, error) {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: cfg}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	srv := serve(t, pki.ServerTLS())
	for _, host := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		got, err := get(t, host, pki.ClientTLS(hsaID))
		if err != nil {
			t.Fatalf("GET %s: %v", host, err)
		}
		if got != hsaID {
			t.Errorf("server read serialNumber %q, want %q", got, hsaID)
		}
	}

	t.Run("a client without a certificate is refused", func(t *testing.T) {
		if _, err := get(t, srv.URL, &tls.Config{RootCAs: pki.Pool()}); err == nil {
			t.Error("the handshake succeeded without a client certificate")
		}
	})
	t.Run("a certificate from another CA is refused", func(t *testing.T) {
		other := testpki.New(t)
		cfg := other.ClientTLS(hsaID)
		cfg.RootCAs = pki.Pool()
		if _, err := get(t, srv.URL, cfg); err == nil {
			t.Error("the handshake succeeded with a stranger's certificate")
		}
	})
}

func TestServerCertNames(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	leaf := pki.ServerCert().Leaf
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(name); err != nil {
			t.Errorf("server certificate: %v", err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pki.Pool()}); err != nil {
		t.Errorf("server certificate does not verify against the pool: %v", err)
	}
}

func TestPEM(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	certPEM, keyPEM, err := pki.ClientPEM(hsaID)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatalf("client PEM: %v", err)
	}
	if got := pair.Leaf.Subject.SerialNumber; got != hsaID {
		t.Errorf("serialNumber = %q, want %q", got, hsaID)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pki.CAPEM()) {
		t.Fatal("CA PEM does not parse")
	}
	if _, err := pair.Leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("client certificate does not verify against the CA PEM: %v", err)
	}
	certPEM, keyPEM, err = pki.ServerPEM()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Errorf("server PEM: %v", err)
	}
}
