package delivery_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/internal/pgtest"
	"github.com/webbtidbok/webbtidbok/internal/smtptest"
	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// farVisit is a visit the real clock of these tests never passes.
var farVisit = time.Date(2099, time.March, 16, 9, 0, 0, 0, tidbok.Stockholm())

// openOutbox opens the SQL stores on dsn with a pool of their own, as a
// portal process does, and returns their outbox.
func openOutbox(tb testing.TB, ctx context.Context, dsn string) (store.Outbox, *sql.DB) {
	tb.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxIdleConns(4)
	s, err := sqlstore.Open(ctx, db, sqlstore.Postgres)
	if err != nil {
		_ = db.Close()
		tb.Fatal(err)
	}
	return s.Outbox(), db
}

// fill queues n confirmations by e-mail, each of its own booking.
func fill(tb testing.TB, ctx context.Context, o store.Outbox, prefix string, n int) []string {
	tb.Helper()
	keys := make([]string, 0, n)
	var batch []store.Message
	for i := range n {
		m := letter(tb, booking.Confirmed, booking.ChannelEmail, fmt.Sprintf("medborgare%d@example.se", i),
			slot(fmt.Sprintf("%s-%d", prefix, i), farVisit), tidbok.Timeslot{}, 0, t0)
		keys = append(keys, m.Key)
		batch = append(batch, m)
		if len(batch) == 200 || i == n-1 {
			if err := o.Enqueue(ctx, batch...); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return keys
}

// mailerFor returns an SMTP sender to srv that trusts the CA in roots.
func mailerFor(tb testing.TB, srv *smtptest.Server, roots *x509.CertPool) *delivery.SMTP {
	tb.Helper()
	m, err := delivery.NewSMTP(delivery.SMTPConfig{Host: "localhost", Port: srv.Port,
		TLS: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}, Username: "portal", Password: "hemligt",
		From: "Vårdcentralen Exempel <no-reply@vc.example.se>"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = m.Close() })
	return m
}

// BenchmarkOutboxDelivery measures e-mails delivered per second to a local
// SMTP server (STARTTLS, AUTH PLAIN) from the outbox on PostgreSQL by 4
// workers, each with its own database pool and SMTP connection as a
// portal process has ("outbox"), against 4 goroutines sending the same
// written message over their own SMTP connections in a bare loop
// ("bare"). Both report msgs/s; run with -count to interleave them.
func BenchmarkOutboxDelivery(b *testing.B) {
	const workers = 4
	pki := testpki.New(b)
	srv := smtptest.Start(b, smtptest.Options{TLS: tlsServer{pki}.config(), Users: map[string]string{"portal": "hemligt"}})
	b.Run("bare", func(b *testing.B) {
		out, err := delivery.Write(booking.Letter{Kind: booking.Confirmed, Channel: booking.ChannelEmail, Booking: slot("b", visit), Time: t0}, delivery.Clinic{})
		if err != nil {
			b.Fatal(err)
		}
		mailers := make([]*delivery.SMTP, workers)
		for i := range mailers {
			mailers[i] = mailerFor(b, srv, pki.Pool())
		}
		start := srv.Count()
		b.ResetTimer()
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < b.N; i += workers {
					m := out
					m.Key, m.To = fmt.Sprintf("bare-%d", i), fmt.Sprintf("medborgare%d@example.se", i)
					if _, err := mailers[w].Send(b.Context(), m); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		if got := srv.Count() - start; got != b.N {
			b.Fatalf("the server got %d messages; want %d", got, b.N)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("outbox", func(b *testing.B) {
		ctx := b.Context()
		dsn := pgtest.DSN(b)
		filler, db := openOutbox(b, ctx, dsn)
		defer db.Close()
		fill(b, ctx, filler, fmt.Sprintf("n%d", b.N), b.N)
		ws := make([]*delivery.Worker, workers)
		for i := range ws {
			o, db := openOutbox(b, ctx, dsn)
			defer db.Close()
			w, err := delivery.New(delivery.Config{Outbox: o, Batch: 20,
				Senders: map[string]delivery.Sender{booking.ChannelEmail: mailerFor(b, srv, pki.Pool())}})
			if err != nil {
				b.Fatal(err)
			}
			ws[i] = w
		}
		start := srv.Count()
		b.ResetTimer()
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Go(func() {
				for {
					r, err := w.Once(ctx)
					if err != nil {
						b.Error(err)
						return
					}
					if r.Claimed == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		if got := srv.Count() - start; got != b.N {
			b.Fatalf("the server got %d messages; want %d", got, b.N)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}

// workerEnv carries a worker process's configuration from
// TestKillAWorkerMidRun to TestDeliveryWorkerProcess.
const workerEnv = "WEBBTIDBOK_DELIVERY_WORKER"

type workerSpec struct {
	DSN    string
	Port   int
	CAFile string
}

// TestDeliveryWorkerProcess is the worker process TestKillAWorkerMidRun
// starts: it runs a Worker on the outbox until it is killed.
func TestDeliveryWorkerProcess(t *testing.T) {
	spec := os.Getenv(workerEnv)
	if spec == "" {
		t.Skip("a worker process of TestKillAWorkerMidRun")
	}
	var s workerSpec
	must(t, json.Unmarshal([]byte(spec), &s))
	pem, err := os.ReadFile(s.CAFile)
	must(t, err)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	o, db := openOutbox(t, t.Context(), s.DSN)
	defer db.Close()
	mailer, err := delivery.NewSMTP(delivery.SMTPConfig{Host: "localhost", Port: s.Port,
		TLS: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}, Username: "portal", Password: "hemligt",
		From: "no-reply@vc.example.se"})
	must(t, err)
	w, err := delivery.New(delivery.Config{Outbox: o, Senders: map[string]delivery.Sender{booking.ChannelEmail: mailer},
		Batch: 5, Lease: 2 * time.Second, Poll: 50 * time.Millisecond})
	must(t, err)
	_ = w.Run(t.Context())
}

// Three worker processes deliver one outbox on PostgreSQL; one is killed
// with SIGKILL mid-run. Every message arrives and is recorded sent (no
// loss), and no message arrives twice except the (at most two) the killed
// worker may have sent without recording them, whose copies have the
// same Message-ID.
func TestKillAWorkerMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	const n = 300
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	o, db := openOutbox(t, ctx, dsn)
	t.Cleanup(func() { _ = db.Close() })
	keys := fill(t, ctx, o, "kill", n)
	pki := testpki.New(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: tlsServer{pki}.config(), Users: map[string]string{"portal": "hemligt"}})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	must(t, os.WriteFile(caFile, pki.CAPEM(), 0o600))
	spec, err := json.Marshal(workerSpec{DSN: dsn, Port: srv.Port, CAFile: caFile})
	must(t, err)

	var procs []*exec.Cmd
	t.Cleanup(func() {
		for _, p := range procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	})
	start := func() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDeliveryWorkerProcess$")
		cmd.Env = append(os.Environ(), workerEnv+"="+string(spec))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		must(t, cmd.Start())
		procs = append(procs, cmd)
	}
	// The worker to kill starts first and is delivering before the
	// others join, so that it is mid-run when killed.
	start()
	if !srv.Wait(10, 2*time.Minute) {
		t.Fatalf("the first worker delivered %d messages in two minutes", srv.Count())
	}
	start()
	start()
	if !srv.Wait(n/3, 2*time.Minute) {
		t.Fatalf("the workers delivered %d of %d messages in two minutes", srv.Count(), n)
	}
	victim := procs[0]
	must(t, victim.Process.Kill()) // SIGKILL: no deferred function runs
	_ = victim.Wait()
	t.Logf("killed worker %d after %d messages had arrived", victim.Process.Pid, srv.Count())

	// Wait (bounded, against a hang) until every message is settled.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ms, err := o.List(ctx, store.MessageFilter{})
		must(t, err)
		pending := 0
		for _, m := range ms {
			if m.State == store.MessagePending {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still pending two minutes after the kill", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}

	ms, err := o.List(ctx, store.MessageFilter{})
	must(t, err)
	resent := 0
	for _, m := range ms {
		if m.State != store.MessageSent {
			t.Errorf("%s is %v (%s); want sent", m.Key, m.State, m.Detail)
		}
		if m.Attempts > 1 {
			resent++
		}
	}
	got := map[string]int{}
	for _, r := range srv.Messages() {
		m, err := mail.ReadMessage(bytesReader(r.Data))
		must(t, err)
		got[m.Header.Get("Message-Id")]++
	}
	dups := 0
	for _, k := range keys {
		c := got["<"+delivery.MessageID(k, "vc.example.se")+">"]
		switch {
		case c == 0:
			t.Errorf("message %s never arrived", k)
		case c > 1:
			dups += c - 1
		}
	}
	if len(got) != n {
		t.Errorf("%d distinct Message-IDs arrived; want %d", len(got), n)
	}
	// The killed worker records each outcome while it sends the next, so
	// at most two went out unrecorded.
	if dups > 2 {
		t.Errorf("%d copies arrived twice; at most the two in flight at the kill may", dups)
	}
	t.Logf("%d messages, %d claimed again after the kill, %d copies sent again with the same Message-ID", n, resent, dups)
}
