package soap

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestBuffersKeepNothingOfAMessageForTheNext: what one message gave out
// (its headers, its payload's strings) stays as it was when the next
// message is read with the same Buffers, into the buffer and scanner the
// first one used.
func TestBuffersKeepNothingOfAMessageForTheNext(t *testing.T) {
	t.Parallel()
	var bs Buffers
	read := func(i int) (Header, ping) {
		t.Helper()
		h := Header{Profile: RIVTABP21, LogicalAddress: fmt.Sprintf("SE2321000016-%04d", i),
			Actor: &Actor{ID: fmt.Sprintf("SE2321000016-A%03d", i), Type: SubjectOfCareAgent}}
		data, err := bs.Marshal(h, ping{Value: strings.Repeat(fmt.Sprint(i), 10+i)})
		if err != nil {
			t.Fatal(err)
		}
		m, err := bs.Read(bytes.NewReader(data), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if m.fast == nil {
			t.Fatal("the scanner did not read the message")
		}
		var p ping
		if err := m.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		return m.Header, p
	}
	h1, p1 := read(1)
	for i := 2; i < 6; i++ {
		read(i)
	}
	if h1.LogicalAddress != "SE2321000016-0001" || h1.Actor.ID != "SE2321000016-A001" || p1.Value != strings.Repeat("1", 11) {
		t.Errorf("the first message's values changed: %+v %+v, %q", h1, *h1.Actor, p1.Value)
	}
}

// TestBuffersConcurrentUse: one Buffers serves many goroutines reading
// and writing at once (run with -race), each getting its own message.
func TestBuffersConcurrentUse(t *testing.T) {
	t.Parallel()
	var bs Buffers
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				want := fmt.Sprintf("g%d-%d-%s", g, i, strings.Repeat("x", i*g))
				bp, err := bs.MarshalPooled(Header{}, ping{Value: want})
				if err != nil {
					t.Error(err)
					return
				}
				m, err := bs.Read(bytes.NewReader(*bp), Limits{})
				bs.Recycle(bp)
				if err != nil {
					t.Error(err)
					return
				}
				var p ping
				if err := m.DecodePayload(&p); err != nil {
					t.Error(err)
					return
				}
				if p.Value != want {
					t.Errorf("read %q, want %q", p.Value, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestNilBuffersReuseNothing: the package's functions, which reuse no
// buffer, give what a Buffers gives.
func TestNilBuffersReuseNothing(t *testing.T) {
	t.Parallel()
	var none *Buffers
	var bs Buffers
	h := Header{Profile: RIVTABP21, LogicalAddress: "SE2321000016-A65H"}
	a, err := none.Marshal(h, ping{Value: "v"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bs.Marshal(h, ping{Value: "v"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("nil Buffers wrote\n%s\nBuffers wrote\n%s", a, b)
	}
	bp, err := none.MarshalPooled(h, ping{Value: "v"})
	if err != nil || !bytes.Equal(*bp, a) {
		t.Fatalf("MarshalPooled: %v\n%s", err, *bp)
	}
	none.Recycle(bp)
	m, err := none.Read(bytes.NewReader(a), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var p ping
	if err := m.DecodePayload(&p); err != nil || p.Value != "v" {
		t.Errorf("read %q, %v", p.Value, err)
	}
}
