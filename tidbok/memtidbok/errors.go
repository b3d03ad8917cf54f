package memtidbok

import (
	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// problems returns p's error as a staff error for op, or nil.
func problems(op string, p *tidbok.Problems) error { return bookbase.Problems("memtidbok", op, p) }
