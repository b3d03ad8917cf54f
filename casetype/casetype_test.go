package casetype_test

import (
	"errors"
	"testing"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestEligible(t *testing.T) {
	t.Parallel()
	tolvan := tidbok.MustPersonalNumber("191212121212") // born 1912-12-12
	child := tidbok.MustPersonalNumber("201501012387")  // born 2015-01-01
	on := tidbok.Date{Year: 2026, Month: 3, Day: 2}
	tests := []struct {
		name    string
		e       casetype.Eligibility
		subject tidbok.PersonalNumber
		on      tidbok.Date
		want    error
	}{
		{"everybody by default", casetype.Eligibility{}, child, on, nil},
		{"old enough", casetype.Eligibility{MinAge: 18}, tolvan, on, nil},
		{"too young", casetype.Eligibility{MinAge: 18}, child, on, casetype.ErrNotEligible},
		{"young enough", casetype.Eligibility{UnderAge: 13}, child, on, nil},
		{"too old", casetype.Eligibility{UnderAge: 13}, tolvan, on, casetype.ErrNotEligible},
		{"the day before turning 11", casetype.Eligibility{UnderAge: 11}, child, tidbok.Date{Year: 2025, Month: 12, Day: 31}, nil},
		{"on turning 11", casetype.Eligibility{UnderAge: 11}, child, tidbok.Date{Year: 2026, Month: 1, Day: 1}, casetype.ErrNotEligible},
		{"not yet born", casetype.Eligibility{}, child, tidbok.Date{Year: 2014, Month: 1, Day: 1}, casetype.ErrNotEligible},
		{"listed", casetype.Eligibility{Citizens: []tidbok.PersonalNumber{child, tolvan}}, tolvan, on, nil},
		{"not listed", casetype.Eligibility{Citizens: []tidbok.PersonalNumber{child}}, tolvan, on, casetype.ErrNotEligible},
		{"listed but too old", casetype.Eligibility{UnderAge: 13, Citizens: []tidbok.PersonalNumber{tolvan}}, tolvan, on, casetype.ErrNotEligible},
		{"no subject", casetype.Eligibility{}, tidbok.PersonalNumber{}, on, tidbok.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ct := casetype.CaseType{Name: "Barnmottagning", Eligibility: tc.e}
			err := ct.Eligible(tc.subject, tc.on)
			if tc.want == nil && err != nil || !errors.Is(err, tc.want) {
				t.Errorf("Eligible = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestAssuranceSatisfies(t *testing.T) {
	t.Parallel()
	const outside casetype.Assurance = 9
	tests := []struct {
		login, required casetype.Assurance
		want            bool
	}{
		{casetype.AssuranceEID, casetype.AssuranceEID, true},
		{casetype.AssuranceEID, casetype.AssurancePasswordSMS, true},
		{casetype.AssurancePasswordSMS, casetype.AssurancePasswordSMS, true},
		{casetype.AssurancePasswordSMS, casetype.AssuranceEID, false},
		{casetype.AssuranceUnknown, casetype.AssurancePasswordSMS, false},
		{casetype.AssuranceUnknown, casetype.AssuranceEID, false},
		{casetype.AssuranceUnknown, casetype.AssuranceUnknown, false},
		{casetype.AssuranceEID, casetype.AssuranceUnknown, false},
		{casetype.AssurancePasswordSMS, casetype.AssuranceUnknown, false},
		{outside, casetype.AssurancePasswordSMS, false},
		{casetype.AssuranceEID, outside, false},
	}
	for _, tc := range tests {
		t.Run(tc.login.String()+" where "+tc.required.String()+" is required", func(t *testing.T) {
			if got := tc.login.Satisfies(tc.required); got != tc.want {
				t.Errorf("Satisfies = %v, want %v", got, tc.want)
			}
		})
	}
}

// A level nobody set must never grant a login, or ask of one, more than
// meant: the zero level is unknown, not the strongest.
func TestTheZeroAssuranceIsUnknown(t *testing.T) {
	t.Parallel()
	var zero casetype.Assurance
	if zero != casetype.AssuranceUnknown || zero.Valid() || zero.String() != "unknown" {
		t.Errorf("the zero Assurance is %v (valid %v), want AssuranceUnknown, not a level", zero, zero.Valid())
	}
	for _, a := range []casetype.Assurance{casetype.AssurancePasswordSMS, casetype.AssuranceEID} {
		if !a.Valid() {
			t.Errorf("%v is not Valid", a)
		}
	}
	if !casetype.AssuranceEID.Satisfies(casetype.AssurancePasswordSMS) || casetype.AssuranceEID <= casetype.AssurancePasswordSMS {
		t.Errorf("e-ID is not the stronger level")
	}
	var ct casetype.CaseType
	if ct.Assurance != casetype.AssuranceUnknown || ct.Proxy != casetype.ProxyOwnLogin {
		t.Errorf("the zero case type asks %v and %v, want no level set and the strict own login", ct.Assurance, ct.Proxy)
	}
}

func TestGuardianMayAct(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    casetype.Proxy
		age  int
		want bool
	}{
		{casetype.ProxyOwnLogin, 5, false},
		{casetype.ProxyGuardianUnder13, 0, true},
		{casetype.ProxyGuardianUnder13, 12, true},
		{casetype.ProxyGuardianUnder13, 13, false},
		{casetype.ProxyGuardianUnder13, -1, false},
	}
	for _, tc := range tests {
		if got := tc.p.GuardianMayAct(tc.age); got != tc.want {
			t.Errorf("%v.GuardianMayAct(%d) = %v, want %v", tc.p, tc.age, got, tc.want)
		}
	}
}

func TestNeeds(t *testing.T) {
	t.Parallel()
	manage := func(cancel, reschedule bool) casetype.CaseType {
		return casetype.CaseType{Kind: casetype.KindManage, Rules: casetype.Rules{AllowCancel: cancel, AllowReschedule: reschedule}}
	}
	tests := []struct {
		name string
		ct   casetype.CaseType
		want tidbok.Capabilities
	}{
		{"Boka tid", casetype.CaseType{Kind: casetype.KindBook, Rules: casetype.Rules{AllowCancel: true}}, tidbok.FlowBook},
		{"Av- och omboka, cancel only", manage(true, false), tidbok.FlowMyBookings | tidbok.FlowCancel},
		{"Av- och omboka, reschedule only", manage(false, true), tidbok.FlowMyBookings | tidbok.FlowReschedule},
		{"Av- och omboka, both", manage(true, true), tidbok.FlowMyBookings | tidbok.FlowCancel | tidbok.FlowReschedule},
		{"Beställa tid", casetype.CaseType{Kind: casetype.KindRequest}, 0},
		{"Av-/omboka förfrågan", casetype.CaseType{Kind: casetype.KindManageRequest}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ct.Needs(); got != tc.want {
				t.Errorf("Needs = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestKindNames(t *testing.T) {
	t.Parallel()
	want := []string{"Boka tid", "Av- och omboka", "Beställa tid", "Av-/omboka förfrågan"}
	for i, k := range casetype.Kinds() {
		if !k.Valid() || k.String() != want[i] {
			t.Errorf("Kinds()[%d] = %q (valid %v), want %q", i, k, k.Valid(), want[i])
		}
	}
	if casetype.Kind(0).Valid() {
		t.Error("the zero Kind is valid, want it unset")
	}
}
