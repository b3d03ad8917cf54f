package main

import "net/http"

// A form a citizen sent that was refused is not answered with a page:
// the portal keeps what they typed and what to correct in their session,
// and redirects to the form's page (POST-redirect-GET), which shows them
// once. So Back and reload never ask to send the form again, and what the
// citizen typed never goes into a URL.

// formBack is a refused form: the page it was sent from, the values the
// citizen typed, the problem for the page's alert and, by field ID, the
// problem of each field.
type formBack struct {
	Path   string            `json:"p"`
	Values map[string]string `json:"v,omitempty"`
	Error  string            `json:"e,omitempty"`
	Fields map[string]string `json:"f,omitempty"`
	// Notice is a message about the form that is no problem: that it is
	// back after a login, say.
	Notice string `json:"n,omitempty"`
}

// notice returns f's notice; for a nil f "".
func (f *formBack) notice() string {
	if f == nil {
		return ""
	}
	return f.Notice
}

// value returns the value typed in field name, for a nil f "".
func (f *formBack) value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// setBack keeps f for the next view of its page.
func (ss *session) setBack(f *formBack) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.back = f
	ss.dirty = true
}

// takeBack returns the refused form kept for the page at path, and
// forgets it; nil when there is none.
func (ss *session) takeBack(path string) *formBack {
	if ss == nil {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := ss.back
	if f == nil || f.Path != path {
		return nil
	}
	ss.back = nil
	ss.dirty = true
	return f
}

// refused keeps the refused form f in the session and sends the citizen
// to its page.
func refused(w http.ResponseWriter, r *http.Request, ss *session, f *formBack) {
	refusedTo(w, r, ss, f, f.Path)
}

// refusedTo is refused for a page whose address adds a query to f.Path.
func refusedTo(w http.ResponseWriter, r *http.Request, ss *session, f *formBack, to string) {
	ss.setBack(f)
	seeOther(w, r, to)
}
