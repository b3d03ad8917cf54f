// Package eid logs citizens, staff and administrators in to a portal with
// a Swedish e-ID over OpenID Connect, and turns the login into the
// booking flow's [booking.Caller].
//
// Sweden's public-sector e-ID services (BankID, Freja eID and the
// regions' identity providers) speak OpenID Connect under the Swedish
// OpenID Connect Profile (oidc.se). A [Login] is a relying party of one
// such provider: it finds the provider's endpoints and keys by discovery
// from the issuer URL, sends the browser there with the authorization
// code flow (PKCE, state and nonce), and verifies the ID token that
// comes back: its signature against the provider's published keys, its
// issuer, audience and expiry, its nonce (once only), the level of
// assurance in acr, and the personal identity number.
//
// # The flow
//
// A portal makes one Login at start-up with [New], then per login:
//
//  1. [NewPending] makes the login's secrets (state, nonce, PKCE
//     verifier) and the level it asks for; the portal keeps them bound
//     to the browser, e.g. in a short-lived HttpOnly cookie or its
//     session store, and redirects to [Login.AuthURL].
//  2. The provider sends the browser back to Config.RedirectURL;
//     [Login.Finish] checks the answer against the Pending and returns
//     the [Identity], or an error and no identity.
//  3. The portal makes a new session for the identity (never reusing one
//     from before the login) and uses [Identity.Caller] for the flow.
//  4. At logout it ends its session and, where the provider offers
//     RP-initiated logout, sends the browser to [Login.LogoutURL].
//
// # Claims and levels
//
// The citizen's number comes from the claim
// https://id.oidc.se/claim/personalIdentityNumber, or for a person with a
// co-ordination number from https://id.oidc.se/claim/coordinationNumber,
// asked for with the scope https://id.oidc.se/scope/naturalPersonNumber.
// The acr claim's level of assurance maps to the case types' levels:
// the Swedish eID Framework's loa2 is [casetype.AssurancePasswordSMS],
// loa3 and loa4 are [casetype.AssuranceEID]; Config.Levels maps a
// provider's own values. A login at a level Login does not know, or
// below the level its Pending asked for, is refused ([ErrLevel]). When
// the flow refuses a weak login with [booking.ErrAssuranceTooLow], the
// portal asks for a step-up: a new login whose Pending asks for
// [casetype.AssuranceEID], with [TextStepUp] as the reason.
//
// Staff and local administrators log in with a token that carries an
// HSA-id (Config.HSAClaim); which clinics they work at or administer is
// for the portal's [RoleResolver] to say. A staff login needs no
// personal identity number.
//
// Guardians: a citizen's Identity is the guardian's own. Whether they
// may act for a child is, as before, for the booking flow's
// [booking.GuardianResolver] and the case type to decide; children log
// in with their own e-ID.
//
// # Errors and privacy
//
// Every refusal is an [*Error] carrying a Swedish text for the person
// and wrapping one of the sentinels ([ErrState], [ErrNonce],
// [ErrNonceReplayed], [ErrIssuer], [ErrAudience], [ErrSignature],
// [ErrExpired], [ErrPersonalNumber], [ErrLevel], [ErrDenied],
// [ErrExchange], [ErrNoRoles]), so that errors.Is tells them apart. No
// error, log line or [Identity.LogValue] shows a personal identity number
// unmasked.
//
// # Testing
//
// Package eidtest runs a real OpenID Provider on loopback with a login
// page that issues the profile's claims at chosen levels.
package eid
