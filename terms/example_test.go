package terms_test

import (
	"context"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// A clinic publishes its terms; a citizen is shown them, accepts, and is
// asked again after the clinic changes them.
func Example() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-VC01")
	admin := terms.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{clinic}}
	anna := tidbok.MustPersonalNumber("191212121212")
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	reg := terms.New(terms.NewMemStore(), terms.WithClock(func() time.Time { return now }))

	// The clinic's local administrator writes the terms.
	v1, err := reg.Publish(ctx, admin, clinic, "boka-lakare", terms.Terms{
		ClinicText:   "Välkommen till Vårdcentralen Exempel.",
		MessageLabel: "Information till vården",
		Conditions: `Genom att boka godkänner du att:
• du avbokar senast 24 timmar före besöket,
• ett uteblivet besök debiteras <400 kr>.`,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("version %d published\n", v1.Number)

	// Before booking, the portal checks whether Anna has accepted them.
	accepted, show, _ := reg.Check(ctx, anna, clinic, "boka-lakare")
	fmt.Println("accepted:", accepted)
	docs, _ := show.Terms.Documents()
	fmt.Print(docs.Conditions.HTML())

	// Anna ticks the box.
	if _, err := reg.Accept(ctx, anna, show); err != nil {
		fmt.Println(err)
		return
	}
	accepted, _, _ = reg.Check(ctx, anna, clinic, "boka-lakare")
	fmt.Println("accepted:", accepted)

	// The clinic changes the conditions: Anna must accept again.
	now = now.Add(24 * time.Hour)
	v2, _ := reg.Publish(ctx, admin, clinic, "boka-lakare", terms.Terms{
		ClinicText: "Välkommen till Vårdcentralen Exempel.",
		Conditions: "- Avboka senast 48 timmar före besöket.",
	})
	accepted, show, _ = reg.Check(ctx, anna, clinic, "boka-lakare")
	fmt.Printf("version %d published; accepted: %v; show version %d:\n", v2.Number, accepted, show.Number)
	fmt.Println(show.Terms.Conditions)

	// Output:
	// version 1 published
	// accepted: false
	// <p>Genom att boka godkänner du att:</p>
	// <ul>
	// <li>du avbokar senast 24 timmar före besöket,</li>
	// <li>ett uteblivet besök debiteras &lt;400 kr&gt;.</li>
	// </ul>
	// accepted: true
	// version 2 published; accepted: false; show version 2:
	// - Avboka senast 48 timmar före besöket.
}

// An authored text with paragraphs and bullets, rendered as HTML and as
// plain text.
func ExampleParse() {
	doc, err := terms.Parse("Inför besöket:\n- Ta med legitimation.\n* Kom 10 minuter före.\n\nVälkommen!")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(doc.HTML())
	fmt.Println("--")
	fmt.Println(doc.Text())

	// Output:
	// <p>Inför besöket:</p>
	// <ul>
	// <li>Ta med legitimation.</li>
	// <li>Kom 10 minuter före.</li>
	// </ul>
	// <p>Välkommen!</p>
	// --
	// Inför besöket:
	//
	// - Ta med legitimation.
	// - Kom 10 minuter före.
	//
	// Välkommen!
}
