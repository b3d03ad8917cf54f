package producer_test

// This file validates what the producer writes against the official
// crm:scheduling 1.1 schemas with xmllint, following
// internal/crmwire/xsd_test.go: the schemas in ../shared/rivta are copied
// into a temporary directory and the anchors of the SubjectOfCareIdType
// pattern stripped there (crm-scheduling.md §3.3). Without xmllint or the
// schemas the test skips, unless CI is set, when it fails.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

const brokenPattern = `value="^[0-9]{8}[0-9pPtTfF][0-9]{3}$"`

// schemas is a patched copy of the 1.1 schema tree.
type schemas struct {
	dir     string
	xmllint string
}

func needTool(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set, so this is an error)", msg)
	}
	t.Skipf("%s; skipping XSD validation (set CI to make this fail)", msg)
}

func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	must(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

func loadSchemas(t testing.TB) *schemas {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		needTool(t, "xmllint not found (apt-get install libxml2-utils)")
	}
	src := filepath.Join(moduleRoot(t), "..", "shared", "rivta", "crm_scheduling_1.1.0", "schemas")
	if _, err := os.Stat(src); err != nil {
		needTool(t, "official schemas not found at %s", src)
	}
	dst := filepath.Join(t.TempDir(), "schemas")
	patched := 0
	err = filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(brokenPattern)) {
			data = bytes.ReplaceAll(data, []byte(brokenPattern), []byte(`value="[0-9]{8}[0-9pPtTfF][0-9]{3}"`))
			patched++
		}
		return os.WriteFile(target, data, 0o644)
	})
	must(t, err)
	if patched != 1 {
		t.Fatalf("patched the personal-number pattern in %d files, want exactly 1: has the schema changed?", patched)
	}
	return &schemas{dir: dst, xmllint: xmllint}
}

// validate checks the Body element of env against contract's responder
// schema.
func (s *schemas) validate(t testing.TB, contract, name string, env []byte) {
	t.Helper()
	if err := s.check(t, contract, name, env); err != nil {
		t.Error(err)
	}
}

// check returns xmllint's complaint about env's Body element, or nil.
func (s *schemas) check(t testing.TB, contract, name string, env []byte) error {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(env); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, env)
	}
	body := doc.FindElement("/Envelope/Body")
	if body == nil || len(body.ChildElements()) != 1 {
		t.Fatalf("%s: no single Body element in\n%s", name, env)
	}
	payload := body.ChildElements()[0].Copy()
	for anc := body; anc != nil; anc = anc.Parent() {
		for _, a := range anc.Attr {
			if (a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns")) && payload.SelectAttr(a.FullKey()) == nil {
				payload.CreateAttr(a.FullKey(), a.Value)
			}
		}
	}
	out, err := etree.NewDocumentWithRoot(payload).WriteToBytes()
	must(t, err)
	file := filepath.Join(t.TempDir(), "doc.xml")
	must(t, os.WriteFile(file, out, 0o644))
	schema := filepath.Join(s.dir, "interactions", contract+"Interaction", contract+"Responder_1.1.xsd")
	if msg, err := exec.Command(s.xmllint, "--noout", "--nonet", "--schema", schema, file).CombinedOutput(); err != nil {
		return fmt.Errorf("%s does not validate against %s: %v\n%s\n--- document:\n%s", name, filepath.Base(schema), err, msg, out)
	}
	return nil
}

// TestResponsesValidate: every answer the producer writes — each
// contract's response, INFO and ERROR with our errorKind extension —
// validates against the official schemas.
func TestResponsesValidate(t *testing.T) {
	t.Parallel()
	s := loadSchemas(t)
	for _, op := range tidbok.Operations() {
		f := setup(t, producer.Config{})
		resp := f.do(t, op, f.requests(t)[op])
		if _, err := resp.decode(t, op); err != nil {
			t.Fatalf("%s: %v", op.Contract(), err)
		}
		s.validate(t, op.Contract(), op.Contract()+" OK", resp.body)
	}

	f := setup(t, producer.Config{})
	must(t, f.book.SetNotice(hsaA, "LAK", "Kom fastande & ta med legitimation."))
	resp := f.do(t, tidbok.OpBook, f.requests(t)[tidbok.OpBook])
	if _, err := resp.decode(t, tidbok.OpBook); err != nil {
		t.Fatal(err)
	}
	s.validate(t, "MakeBooking", "MakeBooking INFO", resp.body)

	for _, op := range []tidbok.Operation{tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel} {
		f := setup(t, producer.Config{})
		f.book.Faults().Set(op, memtidbok.Fault{Err: tidbok.ErrSlotTaken})
		resp := f.do(t, op, f.requests(t)[op])
		if _, err := resp.decode(t, op); err == nil {
			t.Fatalf("%s: not an ERROR", op.Contract())
		}
		s.validate(t, op.Contract(), op.Contract()+" ERROR", resp.body)
		broken := bytes.ReplaceAll(resp.body, []byte("resultCode"), []byte("resultcode"))
		if s.check(t, op.Contract(), "broken", broken) == nil {
			t.Errorf("%s: a misspelt resultCode validates; the validator checks nothing", op.Contract())
		}
	}

	// A timed invitation's details carry isInvitation and the purpose.
	f = setup(t, producer.Config{})
	start := tomorrow.Start().Add(14 * time.Hour)
	inv, err := f.book.Invite(memtidbok.InvitationSpec{Facility: hsaA, Subject: citizen, Start: start, End: start.Add(20 * time.Minute),
		TimeTypeID: "LAK", Purpose: "<article><para>Välkommen</para></article>"})
	must(t, err)
	resp = f.do(t, tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: inv, Subject: citizen})
	res, err := resp.decode(t, tidbok.OpBookingDetails)
	if err != nil || !res.(tidbok.BookingDetailsResult).Booking.Invitation {
		t.Fatalf("invitation details: %v, %v", res, err)
	}
	s.validate(t, "GetBookingDetails", "GetBookingDetails invitation", resp.body)
}
