package sqltidbok

import "github.com/webbtidbok/webbtidbok/tidbok"

// Flags are stored as a bit set: 1 cancel, 2 reschedule, 4 message.
func encodeFlags(f tidbok.Flags) int64 {
	var n int64
	if f.MayCancel {
		n |= 1
	}
	if f.MayReschedule {
		n |= 2
	}
	if f.MayMessage {
		n |= 4
	}
	return n
}

func decodeFlags(n int64) tidbok.Flags {
	return tidbok.Flags{MayCancel: n&1 != 0, MayReschedule: n&2 != 0, MayMessage: n&4 != 0}
}
