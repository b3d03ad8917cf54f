package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

const facility = "SE2321000016-TEST"

// logBuffer collects the program's log, safe for the server's
// goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs the program with args until the test ends and returns the
// address it listens on.
func start(t *testing.T, args ...string) (addr string, logs *logBuffer) {
	t.Helper()
	addr, logs, _ = launch(t, args...)
	return addr, logs
}

// launch runs the program with args and returns the address it listens
// on and a function that stops it, checking that it shuts down
// gracefully. The program is stopped when the test ends at the latest.
func launch(t *testing.T, args ...string) (addr string, logs *logBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = new(logBuffer)
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, logs, func(a string) { addrs <- a })
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("run did not return after its context ended")
			}
			if !strings.Contains(logs.String(), "shutting down") {
				t.Errorf("no graceful shutdown in the log:\n%s", logs)
			}
		})
	}
	t.Cleanup(stop)
	select {
	case addr = <-addrs:
		return addr, logs, stop
	case err := <-done:
		once.Do(cancel)
		t.Fatalf("run: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start")
	}
	return "", nil, nil
}

// getAllTimeTypes posts the hand-made sample request.
func getAllTimeTypes(t *testing.T, client *http.Client, url string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(sampleRequest(tidbok.MustHSAID(facility))))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1:GetAllTimeTypes"`)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestServesPlainHTTP(t *testing.T) {
	t.Parallel()
	addr, logs := start(t, "-addr", "127.0.0.1:0", "-facility", facility)
	status, body, err := getAllTimeTypes(t, http.DefaultClient, "http://"+addr+"/GetAllTimeTypes/1/rivtabp21")
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK || !strings.Contains(body, ">Läkarbesök<") || !strings.Contains(body, ">Provtagning<") {
		t.Errorf("status %d, body:\n%s", status, body)
	}
	if !strings.Contains(logs.String(), "contract=GetAllTimeTypes") {
		t.Errorf("the request is not logged:\n%s", logs)
	}
}

// TestServesWithClientCertificates generates certificates with -gen-certs
// and serves them with -cert, -key and -client-ca.
func TestServesWithClientCertificates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), []string{"-gen-certs", dir, "-facility", facility}, &out, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "curl --cacert") {
		t.Errorf("-gen-certs printed no instructions:\n%s", out.String())
	}
	sample, err := os.ReadFile(filepath.Join(dir, "GetAllTimeTypes.xml"))
	if err != nil || string(sample) != sampleRequest(tidbok.MustHSAID(facility)) {
		t.Errorf("sample request: %v", err)
	}
	file := func(name string) string { return filepath.Join(dir, name) }
	addr, logs := start(t, "-addr", "127.0.0.1:0", "-facility", facility,
		"-cert", file("server.pem"), "-key", file("server-key.pem"), "-client-ca", file("ca.pem"),
		"-consumers", "SE5565594230-B9P")

	caPEM, err := os.ReadFile(file("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	pair, err := tls.LoadX509KeyPair(file("client.pem"), file("client-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	url := "https://" + addr + "/vp/crm/scheduling/GetAllTimeTypes/1/rivtabp21"

	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}}}
	defer tr.CloseIdleConnections()
	status, body, err := getAllTimeTypes(t, &http.Client{Transport: tr}, url)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK || !strings.Contains(body, ">Läkarbesök<") {
		t.Errorf("status %d, body:\n%s", status, body)
	}
	if !strings.Contains(logs.String(), "consumer=SE5565594230-B9P") {
		t.Errorf("the consumer's HSA-id is not logged:\n%s", logs)
	}

	// A consumer the CA knows but -consumers does not list is refused.
	other, _ := start(t, "-addr", "127.0.0.1:0", "-facility", facility,
		"-cert", file("server.pem"), "-key", file("server-key.pem"), "-client-ca", file("ca.pem"),
		"-consumers", "SE2321000016-OTHR")
	status, body, err = getAllTimeTypes(t, &http.Client{Transport: tr}, "https://"+other+"/vp/crm/scheduling/GetAllTimeTypes/1/rivtabp21")
	if err != nil || status != http.StatusInternalServerError || !strings.Contains(body, "may not call this producer") {
		t.Errorf("an unlisted consumer: %d %v\n%s", status, err, body)
	}

	anon := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	defer anon.CloseIdleConnections()
	if _, _, err := getAllTimeTypes(t, &http.Client{Transport: anon}, url); err == nil {
		t.Error("a client without a certificate was answered")
	}
}

func TestBadCommandLines(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-facility", "not an id!"},
		{"-cert", "x.pem"},
		{"-addr", "127.0.0.1:0", "extra"},
		{"-no-such-flag"},
		{"-addr", "127.0.0.1:0", "-otlp-endpoint", "localhost:4318"},
		{"-consumers", "SE5565594230-B9P"},
		{"-cert", "x.pem", "-key", "k.pem", "-client-ca", "ca.pem"},
		{"-cert", "x.pem", "-key", "k.pem", "-client-ca", "ca.pem", "-consumers", "SE5565594230-B9P", "-any-consumer"},
	} {
		var out strings.Builder
		if err := run(context.Background(), args, &out, func(string) { t.Errorf("%q: started", args) }); err == nil {
			t.Errorf("%q: run succeeded", args)
		}
	}
}
