package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

// TestARemoteClinicFromTheFlags starts a crm:scheduling producer for a
// clinic of its own, names it with -remote and the certificate flags, as
// files, and books there: the booking crosses the wire to that producer.
func TestARemoteClinicFromTheFlags(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clk := &testClock{now: t0}
	far := clinicInfo{ID: tidbok.MustHSAID("SE2321000016-VC09"), Name: "Vårdcentralen Fjärran"}
	mem := memtidbok.New(memtidbok.WithClock(clk.Now))
	if _, err := seedClinicBook(ctx, mem, far, clk.Now(), 21); err != nil {
		t.Fatal(err)
	}
	d, err := startWireDemo(mem, far.ID, demoRegister{}, clk.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stop)

	dir := t.TempDir()
	files := map[string][]byte{"ca.pem": pemBlock("CERTIFICATE", d.pki.caDER)}
	files["client.pem"] = pemBlock("CERTIFICATE", d.pki.client.Certificate[0])
	key, err := x509.MarshalPKCS8PrivateKey(d.pki.client.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	files["client-key.pem"] = pemBlock("PRIVATE KEY", key)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	o, err := parse([]string{"-remote", far.ID.String() + "=" + d.url,
		"-remote-cert", filepath.Join(dir, "client.pem"), "-remote-key", filepath.Join(dir, "client-key.pem"),
		"-remote-ca", filepath.Join(dir, "ca.pem")}, io.Discard)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(o.remotes) != 1 || o.remotes[0].ID != far.ID || o.remotes[0].TLS == nil {
		t.Fatalf("-remote read as %+v", o.remotes)
	}

	p := newPortalIn(t, t.TempDir(), config{Remotes: o.remotes, NoWireDemo: true})
	if _, ok := p.clinics.byID[demoRemote.ID]; ok {
		t.Errorf("NoWireDemo: the demo's remote clinic is served anyway")
	}
	b := p.browser(t)
	if pg := b.get("/?sok=" + url.QueryEscape(far.ID.String())); !strings.Contains(pg.body, `href="/mottagning/`+far.ID.String()+`"`) {
		t.Errorf("the start page does not find the remote clinic by its name")
	}
	b.login("tolvan", "eid")
	base := "/mottagning/" + far.ID.String() + "/" + ctBook
	pg := b.get(base + "/tidstyp")
	if strings.Contains(pg.path, "/villkor") {
		pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	}
	pg = b.get(base + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "/tider", 0, nil)
	pg = b.submit(pg, "/bekrafta", 0, nil)
	if !strings.Contains(pg.path, "/bekraftelse/") {
		t.Fatalf("booking at the remote clinic ended at %s (%d):\n%s", pg.path, pg.status, pg.body)
	}
	if n := d.calls(tidbok.OpBook); n != 1 {
		t.Errorf("the remote producer served %d MakeBooking, want 1", n)
	}
	bs, err := mem.Bookings(ctx, far.ID)
	if err != nil || len(bs) != 1 || bs[0].Subject != demoTolvan {
		t.Errorf("the remote book holds %d bookings (%v), want Tolvan's one", len(bs), err)
	}

	for _, bad := range [][]string{
		{"-remote", "SE2321000016-VC09"},
		{"-remote", "=https://x.example"},
		{"-remote", far.ID.String() + "=ftp://x.example"},
		{"-remote-cert", filepath.Join(dir, "client.pem")},
	} {
		if _, err := parse(bad, io.Discard); err == nil {
			t.Errorf("parse(%q) accepted", bad)
		}
	}
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// TestARemoteClinicWithoutSomeTimeTypes seeds the demo's case types at a
// clinic whose book offers only Läkarbesök and Provtagning: the case type
// of the time type it lacks stays a draft, and the others are active.
func TestARemoteClinicWithoutSomeTimeTypes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := newPortalIn(t, t.TempDir(), config{NoWireDemo: true})
	far := clinicInfo{ID: tidbok.MustHSAID("SE2321000016-VC08"), Name: "Vårdcentralen Fjärran"}
	mem := memtidbok.New(memtidbok.WithClock(p.clock.Now))
	if err := errors.Join(
		mem.AddFacility(ctx, tidbok.Facility{ID: far.ID, Name: far.Name}),
		mem.AddTimeType(ctx, far.ID, ttDoctor),
		mem.AddTimeType(ctx, far.ID, ttSample),
	); err != nil {
		t.Fatal(err)
	}
	err := seedCaseTypes(ctx, p.cases, p.terms, mem, far)
	if err == nil || !strings.Contains(err.Error(), ctChild) {
		t.Errorf("seeding without Barnvaccination: %v, want the case type %s named", err, ctChild)
	}
	for id, want := range map[string]casetype.Status{ctBook: casetype.StatusActive, ctManage: casetype.StatusActive, ctRequest: casetype.StatusActive, ctChild: casetype.StatusDraft} {
		if ct, err := p.cases.Get(ctx, far.ID, id); err != nil || ct.Status != want {
			t.Errorf("case type %s: %v, %v; want %v", id, ct.Status, err, want)
		}
	}
}
