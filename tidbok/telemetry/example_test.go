package telemetry_test

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
)

// A vendor wraps the book it serves. With no providers in Config, the
// spans and metrics go to otel's global providers, which an application
// sets with otel.SetTracerProvider and otel.SetMeterProvider; here a
// TracerProvider of the SDK's records them in memory. The producer
// (producer.Config.TracerProvider, MeterProvider, Propagator) and the
// client (mvkclient.Config, the same three fields) take the same
// providers.
func ExampleWrap() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	b := memtidbok.New()
	if err := b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}); err != nil {
		panic(err)
	}

	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	book := telemetry.Wrap(b, telemetry.Config{TracerProvider: tp, Book: "memtidbok"})

	_, err := book.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B-404"})
	fmt.Println(tidbok.KindOf(err))
	for _, s := range spans.Ended() {
		fmt.Println(s.Name(), s.Status().Code, s.Status().Description)
		for _, a := range s.Attributes() {
			if a.Key != attribute.Key("tidbok.contract") {
				fmt.Printf("  %s=%s\n", a.Key, a.Value.String())
			}
		}
	}
	// Output:
	// not-found
	// tidbok.BookingDetails Error not-found
	//   tidbok.operation=BookingDetails
	//   tidbok.book=memtidbok
	//   tidbok.facility=SE2321000016-A1B2
	//   tidbok.booking_id=B-404
	//   error.type=not-found
}
