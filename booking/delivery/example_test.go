package delivery_test

import (
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The SMS a citizen gets when a booking is made.
func ExampleWrite() {
	start := time.Date(2026, time.March, 16, 9, 0, 0, 0, tidbok.Stockholm())
	l := booking.Letter{
		Kind: booking.Confirmed, Channel: booking.ChannelSMS,
		Booking: tidbok.Timeslot{ID: "b1", Start: start, End: start.Add(20 * time.Minute),
			Facility: tidbok.MustHSAID("SE2321000016-VC01"), FacilityName: "Vårdcentralen Exempel",
			PerformerName: "Dr Eva Ek", TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}},
		Notice: "Kom fastande",
	}
	out, err := delivery.Write(l, delivery.Clinic{Address: "Storgatan 1, Stockholm", Bring: "legitimation"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Text)
	// Output:
	// Bokningsbekräftelse: Läkarbesök hos Dr Eva Ek
	// måndag 16 mars 2026 kl. 09:00–09:20
	// Vårdcentralen Exempel, Storgatan 1, Stockholm
	// Kom fastande
	// Ta med: legitimation
	// Logga in på 1177.se för att av- eller omboka tiden. Avboka senast dagen före om du inte kan komma.
	// Det här sms:et går inte att svara på.
}
