package eid

import "errors"

// Sentinels of the refusals, matched with errors.Is. Every error of
// [Login.Finish] is an [*Error] wrapping one of them.
var (
	// ErrState: the answer's state is not the one the login sent.
	ErrState = errors.New("eid: state mismatch")
	// ErrNonce: the ID token's nonce is missing or not the login's.
	ErrNonce = errors.New("eid: nonce missing or mismatched")
	// ErrNonceReplayed: the ID token's nonce was used by a login before.
	ErrNonceReplayed = errors.New("eid: nonce replayed")
	// ErrIssuer: the ID token was issued by another provider.
	ErrIssuer = errors.New("eid: wrong issuer")
	// ErrAudience: the ID token was issued to another client.
	ErrAudience = errors.New("eid: wrong audience")
	// ErrSignature: the ID token's signature does not verify against the
	// provider's published keys, or the token is not a signed JWT.
	ErrSignature = errors.New("eid: bad signature")
	// ErrExpired: the ID token has expired.
	ErrExpired = errors.New("eid: token expired")
	// ErrPersonalNumber: a citizen's token carries no personal identity
	// or co-ordination number, or a malformed one.
	ErrPersonalNumber = errors.New("eid: missing or malformed personal identity number")
	// ErrLevel: the login's level of assurance is unknown or below the
	// level asked for.
	ErrLevel = errors.New("eid: level of assurance too low")
	// ErrDenied: the provider answered with an error (the person
	// cancelled, say) or without a code.
	ErrDenied = errors.New("eid: login denied by the provider")
	// ErrExchange: the code could not be exchanged for tokens.
	ErrExchange = errors.New("eid: code exchange failed")
	// ErrNoRoles: a staff member has no role at any clinic, or the
	// roles could not be resolved.
	ErrNoRoles = errors.New("eid: staff member without roles")
)

// Texts for the person logging in, in Swedish.
const (
	// TextFailed is the text of a login that failed.
	TextFailed = "Inloggningen misslyckades. Försök igen."
	// TextStepUp asks a citizen whose login is too weak to log in again
	// with an e-ID.
	TextStepUp = "Den här tjänsten kräver att du loggar in med e-legitimation (till exempel BankID eller Freja+). Logga in igen med e-legitimation för att fortsätta."
	// TextNoNumber is the text of a login without a usable personal
	// identity number.
	TextNoNumber = "Inloggningen gav inget giltigt personnummer. Kontakta den som utfärdade din e-legitimation eller försök igen."
	// TextNoRoles is the text of a staff login without roles.
	TextNoRoles = "Du saknar behörighet till portalen. Kontakta din lokala administratör."
)

// Error is a refused login: Text for the person, Err for the portal's
// logs and errors.Is. It is used as a pointer.
type Error struct {
	// Text says what happened, in Swedish, to the person logging in.
	Text string
	// Err wraps the sentinel; its message never holds a personal
	// identity number.
	Err error
}

// Error returns Err's message.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

func refuse(text string, err error) *Error { return &Error{Text: text, Err: err} }
