package texts_test

import (
	"errors"
	"fmt"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// A clinic words a taken slot its own way and keeps the catalogue's text
// for everything else. The same Func goes in producer.Config.Texts and
// booking.Config.Texts, so that the citizen reads it wherever the refusal
// is made; a text the book gives itself still wins.
func Example() {
	clinic := texts.Func(func(op tidbok.Operation, err error) string {
		if errors.Is(err, tidbok.ErrSlotTaken) {
			return "Någon hann före dig. Välj en annan tid i listan."
		}
		return "" // the catalogue's
	})
	fmt.Println(texts.Default(tidbok.OpBook, tidbok.ErrSlotTaken))
	fmt.Println(clinic.Text(tidbok.OpBook, tidbok.ErrSlotTaken))
	fmt.Println(clinic.Text(tidbok.OpCancel, tidbok.ErrNotAllowed))
	fmt.Println(clinic.Text(tidbok.OpBook, &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: "Tiden är tagen."}))
	// Output:
	// Tiden har just blivit bokad av någon annan. Välj en annan tid.
	// Någon hann före dig. Välj en annan tid i listan.
	// Bokningen kan inte avbokas via webben. Kontakta mottagningen.
	// Tiden är tagen.
}
