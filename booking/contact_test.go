package booking_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// fieldsOf returns the fields err names.
func fieldsOf(err error) []string {
	var out []string
	for _, fe := range tidbok.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	return out
}

// A citizen's contact data are bounded, in every call that takes them:
// each field too long, or holding what it must not, is named at once,
// with a Swedish text for each, and nothing is stored or booked.
func TestContactDataAreBounded(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.accept(anna, ctBook, ctManage)
		tests := []struct {
			name    string
			contact tidbok.ContactInfo
			fields  []string
			texts   []string
		}{
			{"a 60,000-character phone number", tidbok.ContactInfo{FirstName: "A", LastName: "B", Phone: strings.Repeat("1", 60000)},
				[]string{"Contact.Phone"}, []string{"Mobilnumret får vara högst 32 tecken långt"}},
			{"letters in the phone number", tidbok.ContactInfo{FirstName: "A", LastName: "B", Phone: "070-123 45 67 ring"},
				[]string{"Contact.Phone"}, []string{"Mobilnumret får bara innehålla siffror"}},
			{"every field at once", tidbok.ContactInfo{
				FirstName: strings.Repeat("å", booking.MaxNameLen+1), MiddleName: "a\nb", LastName: strings.Repeat("x", booking.MaxNameLen+1),
				Phone: "07012345\x00", Email: strings.Repeat("e", booking.MaxEmailLen+1), Address: "\xff",
				CoAddress: strings.Repeat("c", booking.MaxAddressLen+1),
			}, []string{"Contact.FirstName", "Contact.MiddleName", "Contact.LastName", "Contact.Phone", "Contact.Email", "Contact.Address", "Contact.CoAddress"},
				[]string{"Förnamnet får vara högst 100 tecken långt", "Mellannamnet innehåller tecken som inte är tillåtna",
					"E-postadressen får vara högst 254 tecken lång", "Adressen innehåller tecken som inte går att läsa"}},
		}
		for _, tt := range tests {
			calls := map[string]func() error{
				"SubmitRequest": func() error {
					_, err := f.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: scope(anna, ctRequest), Message: "Hej", Contact: tt.contact})
					return err
				},
				"Book": func() error {
					sc := scope(anna, ctBook)
					_, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k-" + tt.name, Slot: f.slotAt(sc, wed10), Contact: tt.contact})
					return err
				},
			}
			for call, do := range calls {
				err := do()
				if !errors.Is(err, booking.ErrContact) || !errors.Is(err, tidbok.ErrInvalid) {
					t.Errorf("%s with %s: error %v, want ErrContact matching tidbok.ErrInvalid", call, tt.name, err)
					continue
				}
				if got := fieldsOf(err); !slices.Equal(got, tt.fields) {
					t.Errorf("%s with %s names %q, want %q", call, tt.name, got, tt.fields)
				}
				text := shown(err)
				for _, want := range tt.texts {
					if !strings.Contains(text, want) {
						t.Errorf("%s with %s: the citizen reads %q, want it to say %q", call, tt.name, text, want)
					}
				}
				if strings.Contains(err.Error(), strings.Repeat("1", 100)) {
					t.Errorf("%s with %s: the error repeats the field's value", call, tt.name)
				}
			}
		}
		if got := f.bookingsOf(anna); len(got) != 0 {
			t.Errorf("refused contact data booked %d times", len(got))
		}
		if reqs, _ := f.svc.ListRequests(ctx, booking.ListRequests{Staff: clinicStaff, Clinic: clinic}); len(reqs) != 0 {
			t.Errorf("refused contact data stored %d requests", len(reqs))
		}
	})
}

// A request with a message too long and a phone number too long is told
// about both at once.
func TestARequestReportsTheMessageAndTheContactAtOnce(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		_, err := f.svc.SubmitRequest(context.Background(), booking.SubmitRequest{Scope: scope(anna, ctRequest),
			Message: strings.Repeat("x", 201), Contact: tidbok.ContactInfo{Phone: strings.Repeat("1", 33)}})
		if !errors.Is(err, booking.ErrMessageTooLong) || !errors.Is(err, booking.ErrContact) {
			t.Fatalf("error %v, want ErrMessageTooLong and ErrContact", err)
		}
		text := shown(err)
		for _, want := range []string{"Meddelandet får vara högst 200 tecken", "Mobilnumret får vara högst 32 tecken"} {
			if !strings.Contains(text, want) {
				t.Errorf("the citizen reads %q, want it to say %q", text, want)
			}
		}
	})
}

// The session a call was made in is in its audit event.
func TestAuditEventsNameTheSession(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.accept(anna, ctBook, ctManage)
		sc := scope(anna, ctManage)
		sc.Session = "s-1234"
		if _, err := f.svc.MyBookings(ctx, sc); err != nil {
			t.Fatal(err)
		}
		st := clinicStaff
		st.Session = "s-staff"
		if _, err := f.svc.ListRequests(ctx, booking.ListRequests{Staff: st, Clinic: clinic, OpenOnly: true}); err != nil {
			t.Fatal(err)
		}
		if e, ok := f.audit.last(booking.ActionMyBookings); !ok || e.Session != "s-1234" {
			t.Errorf("my bookings' event = %+v, want session s-1234", e)
		}
		if e, ok := f.audit.last(booking.ActionListRequests); !ok || e.Session != "s-staff" {
			t.Errorf("list requests' event = %+v, want session s-staff", e)
		}
	})
}

// Staff listing requests is one audit event per request read, naming its
// citizen, so that each citizen's log extract shows it.
func TestListingRequestsIsAuditedPerCitizen(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		var ids []string
		for _, p := range []tidbok.PersonalNumber{anna, bo} {
			r, err := f.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: scope(p, ctRequest), Message: "Hej", Contact: contact})
			must(t, err)
			ids = append(ids, r.ID)
		}
		if _, err := f.svc.ListRequests(ctx, booking.ListRequests{Staff: clinicStaff, Clinic: clinic, OpenOnly: true}); err != nil {
			t.Fatal(err)
		}
		got := map[string]tidbok.PersonalNumber{}
		for _, e := range f.audit.Events() {
			if e.Action == booking.ActionListRequests {
				if e.Caller.Agent != nurse || e.Outcome != booking.OutcomeDone {
					t.Errorf("event %+v", e)
				}
				got[e.BookingID] = e.Subject
			}
		}
		if len(got) != 2 || got[ids[0]] != anna || got[ids[1]] != bo {
			t.Errorf("list requests' events name %v, want %s for Anna's and Bo's", got, ids)
		}
	})
}
