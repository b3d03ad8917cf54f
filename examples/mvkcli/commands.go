package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// cli runs one command for one citizen at one clinic.
type cli struct {
	client      tidbok.Tidbok
	out         io.Writer
	clinic      tidbok.HSAID
	citizen     tidbok.PersonalNumber
	from, to    tidbok.Date
	first, last string
}

func (c *cli) timeTypes(ctx context.Context) error {
	res, err := c.client.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: c.clinic, Subject: c.citizen})
	if err != nil {
		return err
	}
	if len(res.TimeTypes) == 0 {
		fmt.Fprintln(c.out, "No time types can be booked on the web.")
	}
	for _, tt := range res.TimeTypes {
		fmt.Fprintf(c.out, "%-10s %s\n", tt.ID, tt.Name)
	}
	return nil
}

func (c *cli) freeSlots(ctx context.Context) ([]tidbok.Timeslot, error) {
	res, err := c.client.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: c.clinic, Subject: c.citizen, From: c.from, To: c.to})
	return res.Slice(), err
}

func (c *cli) slots(ctx context.Context) error {
	free, err := c.freeSlots(ctx)
	if err != nil {
		return err
	}
	if len(free) == 0 {
		fmt.Fprintf(c.out, "No free slots from %s to %s.\n", c.from, c.to)
	}
	for _, ts := range free {
		fmt.Fprintf(c.out, "%-10s %s\n", ts.ID, describe(ts))
	}
	return nil
}

func (c *cli) book(ctx context.Context, slotID string) error {
	free, err := c.freeSlots(ctx)
	if err != nil {
		return err
	}
	var slot tidbok.Timeslot
	for _, ts := range free {
		if ts.ID == slotID {
			slot = ts
		}
	}
	if slot.ID == "" {
		return fmt.Errorf("no free slot %q from %s to %s: list them with the slots command", slotID, c.from, c.to)
	}
	slot.Subject = c.citizen
	res, err := c.client.Book(ctx, tidbok.BookRequest{
		Timeslot: slot,
		Contact:  tidbok.ContactInfo{FirstName: c.first, LastName: c.last},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Booked %s: booking %s.\n", describe(slot), res.BookingID)
	if res.Notice != "" {
		fmt.Fprintf(c.out, "The clinic says: %s\n", res.Notice)
	}
	return nil
}

func (c *cli) bookings(ctx context.Context) error {
	res, err := c.client.Schedule(ctx, tidbok.ScheduleRequest{Facility: c.clinic, Subject: c.citizen})
	if err != nil {
		return err
	}
	if len(res.Bookings) == 0 {
		fmt.Fprintln(c.out, "No bookings.")
	}
	for _, b := range res.Bookings {
		fmt.Fprintf(c.out, "%-10s %s%s\n", b.ID, describe(b), flags(b))
	}
	return nil
}

func (c *cli) cancel(ctx context.Context, bookingID string) error {
	res, err := c.client.Cancel(ctx, tidbok.CancelRequest{Facility: c.clinic, BookingID: bookingID, Subject: c.citizen})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Cancelled booking %s.\n", bookingID)
	if res.Notice != "" {
		fmt.Fprintf(c.out, "The clinic says: %s\n", res.Notice)
	}
	return nil
}

// describe returns e.g. "Tue 14 Jan 2026 09:00–09:20 Läkarbesök, Dr Eva Ek".
func describe(ts tidbok.Timeslot) string {
	s := ts.Start.In(tidbok.Stockholm()).Format("Mon 2 Jan 2006 15:04") + "–" + ts.End.In(tidbok.Stockholm()).Format("15:04")
	var what []string
	for _, v := range []string{ts.TimeType.Name, ts.PerformerName, ts.Resource.Name} {
		if v != "" {
			what = append(what, v)
		}
	}
	if ts.Invitation {
		what = append(what, "invitation")
	}
	if len(what) > 0 {
		s += " " + strings.Join(what, ", ")
	}
	return s
}

func flags(b tidbok.Timeslot) string {
	var may []string
	if b.Flags.MayCancel {
		may = append(may, "cancel")
	}
	if b.Flags.MayReschedule {
		may = append(may, "reschedule")
	}
	if len(may) == 0 {
		return ""
	}
	return " (may " + strings.Join(may, ", ") + ")"
}
