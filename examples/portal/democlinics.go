package main

import (
	"context"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The demo's other clinics: one more in the standalone book, and one
// whose book is reached over crm:scheduling.
var (
	demoClinic2 = clinicInfo{
		ID:      tidbok.MustHSAID("SE2321000016-VC02"),
		Name:    "Vårdcentralen Blåklockan",
		Phone:   "010-123 45 68",
		Address: "Blåklocksgatan 7, 123 46 Exempelstad",
		Hours:   "Vardagar 07.30–16.30",
	}
	demoRemote = clinicInfo{
		ID:      tidbok.MustHSAID("SE2321000016-VC03"),
		Name:    "Vårdcentralen Linnéan",
		Phone:   "010-123 45 69",
		Address: "Linnégatan 3, 123 47 Exempelstad",
		Hours:   "Vardagar 08.00–16.00",
	}
)

// demoTolvan is the demo citizen the remote clinic has sent invitations.
var demoTolvan = tidbok.MustPersonalNumber("191212121212")

// openClinics sets up the clinics besides the first demo clinic: the
// second one in the standalone book, the demo clinic reached over the
// wire (unless cfg.NoWireDemo), and cfg.Remotes.
func (a *app) openClinics(ctx context.Context, cfg config, days int) error {
	a.clinics.add(&clinic{info: demoClinic, svc: a.svc})
	if _, err := seedClinicBook(ctx, a.book, demoClinic2, a.now(), days); err != nil {
		return err
	}
	if err := seedCaseTypes(ctx, a.cases, a.terms, a.book, demoClinic2); err != nil {
		return err
	}
	a.clinics.add(&clinic{info: demoClinic2, svc: a.svc})

	if !cfg.NoWireDemo {
		if err := a.openWireDemo(ctx, cfg, days); err != nil {
			return fmt.Errorf("the demo clinic over crm:scheduling: %w", err)
		}
	}
	for _, rc := range cfg.Remotes {
		client, err := dialRemote(rc)
		if err != nil {
			return fmt.Errorf("remote clinic %s: %w", rc.ID, err)
		}
		info := clinicInfo{ID: rc.ID, Name: "Mottagningen " + rc.ID.String()}
		// Its case types need the time types its book offers: those the
		// demo's do not fit stay drafts, for the administrator to finish.
		if err := seedCaseTypes(ctx, a.cases, a.terms, client, info); err != nil {
			a.log.Warn("a remote clinic's case types are not all active", "clinic", rc.ID.String(), "err", err)
		}
		svc, err := a.newService(client, cfg)
		if err != nil {
			return err
		}
		a.clinics.add(&clinic{info: info, svc: svc, remote: rc.URL})
		a.log.Info("remote clinic", "clinic", rc.ID.String(), "url", rc.URL)
	}
	return nil
}

// openWireDemo starts the demo clinic whose book is a crm:scheduling
// producer on loopback, with the demo week's slots and two invitations
// for Tolvan: a timed one and an open one. Its book lives as long as the
// process.
func (a *app) openWireDemo(ctx context.Context, cfg config, days int) error {
	mem := memtidbok.New(memtidbok.WithClock(a.now))
	if _, err := seedClinicBook(ctx, mem, demoRemote, a.now(), days); err != nil {
		return err
	}
	day := tidbok.DateOf(a.now()).AddDays(3)
	start := time.Date(day.Year, day.Month, day.Day, 16, 30, 0, 0, tidbok.Stockholm())
	timed, err := mem.Invite(ctx, staff.InvitationSpec{
		Facility: demoRemote.ID, Subject: demoTolvan, Start: start, End: start.Add(20 * time.Minute),
		TimeTypeID: ttNurse.ID, Performer: demoNurse.ID,
		Purpose: "Kallelse till hälsosamtal hos distriktssköterskan. Ta med dina aktuella mediciner.",
		Flags:   &tidbok.Flags{MayCancel: true, MayReschedule: true},
	})
	if err != nil {
		return fmt.Errorf("inviting Tolvan: %w", err)
	}
	open, err := mem.Invite(ctx, staff.InvitationSpec{
		Facility: demoRemote.ID, Subject: demoTolvan, TimeTypeID: ttSample.ID,
		Purpose: "Kallelse till provtagning inför din årliga kontroll. Välj en tid som passar dig.",
		Flags:   &tidbok.Flags{MayCancel: true, MayReschedule: true},
	})
	if err != nil {
		return fmt.Errorf("inviting Tolvan: %w", err)
	}
	a.wire, err = startWireDemo(mem, demoRemote.ID, a.people, a.now, a.log)
	if err != nil {
		return err
	}
	if err := seedCaseTypes(ctx, a.cases, a.terms, a.wire.client, demoRemote); err != nil {
		return err
	}
	svc, err := a.newService(a.wire.client, cfg)
	if err != nil {
		return err
	}
	a.clinics.add(&clinic{info: demoRemote, svc: svc, remote: a.wire.url, epoch: randomToken(8) + ":",
		invitations: map[tidbok.PersonalNumber][]string{demoTolvan: {timed, open}}})
	a.log.Info("demo clinic over crm:scheduling with mutual TLS", "clinic", demoRemote.ID.String(), "url", a.wire.url)
	return nil
}

// newService is the booking flow over book, with the portal's stores.
func (a *app) newService(book tidbok.Tidbok, cfg config) (*booking.Service, error) {
	return booking.New(booking.Config{
		Book: book, CaseTypes: a.cases, Terms: a.terms,
		Holds: a.stores.Holds(), Keys: a.stores.Keys(), Moves: a.stores.Moves(),
		Requests: a.stores.Requests(), Audit: a.stores.Audit(), Outbox: a.stores.Outbox(),
		Waitlist: a.stores.Waitlist(), OfferKey: a.offerKey, OfferLink: a.offerLink,
		Guardians: a.people, Now: a.now, Logger: a.log,
		TracerProvider: cfg.TracerProvider, MeterProvider: cfg.MeterProvider,
	})
}
