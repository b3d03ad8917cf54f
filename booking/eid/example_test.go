package eid_test

import (
	"context"
	"fmt"
	"log"

	"github.com/webbtidbok/webbtidbok/booking/eid"
	"github.com/webbtidbok/webbtidbok/booking/eid/eidtest"
	"github.com/webbtidbok/webbtidbok/casetype"
)

// A portal logs a citizen in with an e-ID. The provider here is a real
// OpenID Provider on loopback (package eidtest) and the browser's part
// is played by eidtest's Authorize; a portal redirects the browser to
// AuthURL and calls Finish in its handler of RedirectURL.
func Example() {
	provider, err := eidtest.New(eidtest.Config{Clients: []eidtest.Client{{
		ID: "portal", Secret: "hemligt", RedirectURIs: []string{"https://portal.example.se/logga-in/svar"},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	defer provider.Close()

	ctx := context.Background()
	login, err := eid.New(ctx, eid.Config{
		Issuer:       provider.URL, // e.g. the region's e-ID provider
		ClientID:     "portal",
		ClientSecret: "hemligt",
		RedirectURL:  "https://portal.example.se/logga-in/svar",
	})
	if err != nil {
		log.Fatal(err)
	}

	// Start: keep p bound to the browser (an HttpOnly cookie, say), and
	// redirect to login.AuthURL(p).
	p := eid.NewPending(casetype.AssuranceEID)

	// The citizen logs in with an e-ID at the provider, which answers at
	// RedirectURL with a code and the state.
	answer, err := provider.Authorize(ctx, login.AuthURL(p), eidtest.User{
		PersonalNumber: "191212121212", GivenName: "Tolvan", FamilyName: "Tolvansson", ACR: eidtest.LoA3,
	})
	if err != nil {
		log.Fatal(err)
	}

	// Finish: verify, then make a new session for who logged in.
	who, err := login.Finish(ctx, p, answer)
	if err != nil {
		log.Fatal(err)
	}
	caller := who.Caller() // for the booking flow's Scope
	fmt.Println(who.Name(), caller.Person, caller.Assurance)
	// Output: Tolvan Tolvansson 19121212-**** e-ID
}
