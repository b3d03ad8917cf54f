package producer_test

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

func TestRequireClientCert(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	cfg := producer.RequireClientCert(pki.Pool())
	if cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.MinVersion != tls.VersionTLS12 || cfg.ClientCAs == nil {
		t.Errorf("RequireClientCert = ClientAuth %v, MinVersion %x, ClientCAs %v", cfg.ClientAuth, cfg.MinVersion, cfg.ClientCAs)
	}
	if producer.RequireClientCert(pki.Pool()) == cfg {
		t.Error("RequireClientCert returns a shared value")
	}
}

// TestClientHSAID reads the consumer's HSA-id from a verified client
// certificate only.
func TestClientHSAID(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := producer.ClientHSAID(r)
		if !ok {
			io.WriteString(w, "none")
			return
		}
		io.WriteString(w, id.String())
	})
	serve := func(cfg *tls.Config) string {
		srv := httptest.NewUnstartedServer(handler)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		if cfg == nil {
			srv.Start()
		} else {
			srv.TLS = cfg
			srv.StartTLS()
		}
		t.Cleanup(srv.Close)
		return srv.URL
	}
	get := func(t *testing.T, url string, cfg *tls.Config) string {
		t.Helper()
		tr := &http.Transport{TLSClientConfig: cfg}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	mtls := pki.ServerTLS()
	// Asked for but not verified: a certificate is not an identity.
	optional := pki.ServerTLS()
	optional.ClientAuth = tls.RequestClientCert

	tests := []struct {
		name   string
		server string
		client *tls.Config
		want   string
	}{
		{"verified certificate, lower-case HSA-id", serve(mtls), pki.ClientTLS("se2321000016-a65h"), "SE2321000016-A65H"},
		{"serialNumber is no HSA-id", serve(mtls), pki.ClientTLS("not an id"), "none"},
		{"unverified certificate", serve(optional), pki.ClientTLS("SE2321000016-A65H"), "none"},
		{"plain HTTP", serve(nil), nil, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := get(t, tt.server, tt.client); got != tt.want {
				t.Errorf("ClientHSAID = %q, want %q", got, tt.want)
			}
		})
	}
}
