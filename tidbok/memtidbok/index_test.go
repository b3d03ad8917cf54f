package memtidbok

import "testing"

func TestSlotIDIsFormatID(t *testing.T) {
	t.Parallel()
	last := maxSlots / idChunk
	b := &Book{slotIDs: make([]string, last+1)}
	for _, c := range []int{0, 1, 45, last} {
		b.slotIDs[c] = slotIDChunk(c)
	}
	for _, i := range []int32{0, 1, idChunk - 1, idChunk, 2*idChunk - 1, 46*idChunk - 1, int32(last * idChunk), maxSlots} {
		if got, want := b.slotID(i), formatID(slotPrefix, i); got != want {
			t.Errorf("slotID(%d) = %q, want %q", i, got, want)
		}
	}
	if n := len(slotIDChunk(last)); n != (maxSlots%idChunk+1)*(1+idDigits) {
		t.Errorf("the last chunk holds %d bytes, want IDs up to slot %d", n, maxSlots)
	}
}
