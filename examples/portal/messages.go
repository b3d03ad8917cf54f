package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// mailConfig says how the portal sends the citizens' e-mail. Without
// Addr it sends nothing: the messages are kept in the outbox, recorded as
// sent, and shown under Mina bokningar, "Skickade meddelanden", so that
// the demo needs no mail server. SMS are always kept so.
type mailConfig struct {
	// Addr is the submission server, host:port (587: STARTTLS, 465:
	// implicit TLS).
	Addr string
	// User and Password authenticate (AUTH PLAIN); the password comes
	// from $WEBBTIDBOK_SMTP_PASSWORD.
	User, Password string
	// From is the sender. Default: the demo clinic at example.se.
	From string
	// Poll is how long the worker waits when nothing is due. Default:
	// delivery.DefaultPoll.
	Poll time.Duration
}

// register adds the mail flags to fs.
func (m *mailConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&m.Addr, "smtp-addr", "", "mail submission server, host:port (587 STARTTLS, 465 TLS), to send the citizens' e-mail through; default: keep it in the outbox and show it under Skickade meddelanden")
	fs.StringVar(&m.User, "smtp-user", "", "user name at the mail server (AUTH PLAIN); the password is read from $WEBBTIDBOK_SMTP_PASSWORD")
	fs.StringVar(&m.From, "smtp-from", "", "sender of the e-mail (default: the demo clinic, no-reply@example.se)")
}

// deliveryRun is the portal's delivery worker.
type deliveryRun struct {
	stop func()
	done sync.WaitGroup
	smtp *delivery.SMTP
}

// startDelivery starts the worker that delivers the outbox the booking
// flow fills: every portal process runs one, and each message goes once.
func (a *app) startDelivery(cfg mailConfig) error {
	var mail delivery.Sender = delivery.Keep{}
	d := &deliveryRun{}
	if cfg.Addr != "" {
		host, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return errors.New("-smtp-addr: " + err.Error())
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return errors.New("-smtp-addr: the port is not a number")
		}
		sec := delivery.StartTLS
		if p == 465 {
			sec = delivery.ImplicitTLS
		}
		if cfg.Password == "" {
			cfg.Password = os.Getenv("WEBBTIDBOK_SMTP_PASSWORD")
		}
		if cfg.From == "" {
			cfg.From = demoClinic.Name + " <no-reply@example.se>"
		}
		d.smtp, err = delivery.NewSMTP(delivery.SMTPConfig{Host: host, Port: p, Security: sec,
			Username: cfg.User, Password: cfg.Password, From: cfg.From})
		if err != nil {
			return err
		}
		mail = d.smtp
	}
	w, err := delivery.New(delivery.Config{
		Outbox:  a.stores.Outbox(),
		Senders: map[string]delivery.Sender{booking.ChannelEmail: mail, booking.ChannelSMS: delivery.Keep{}},
		Clinics: a.deliveryClinics(),
		Now:     a.now, Logger: a.log, Poll: cfg.Poll,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	d.done.Go(func() { _ = w.Run(ctx) })
	a.delivery = d
	return nil
}

// deliveryClinics is what the messages say about each clinic the portal
// serves.
func (a *app) deliveryClinics() map[tidbok.HSAID]delivery.Clinic {
	m := make(map[tidbok.HSAID]delivery.Clinic, len(a.clinics.list))
	for _, c := range a.clinics.list {
		m[c.info.ID] = deliveryClinic(c.info)
	}
	return m
}

// deliveryClinic is what the messages say about the clinic c.
func deliveryClinic(c clinicInfo) delivery.Clinic {
	return delivery.Clinic{
		Name: c.Name, Address: c.Address, Phone: c.Phone,
		Bring: "legitimation och eventuellt frikort",
		Cancel: "Logga in på 1177.se och välj Mina bokningar, eller ring mottagningen på " + c.Phone +
			". Avboka senast dagen före om du inte kan komma.",
	}
}

// stopDelivery stops the worker and waits for it.
func (a *app) stopDelivery() error {
	d := a.delivery
	if d == nil {
		return nil
	}
	d.stop()
	d.done.Wait()
	if d.smtp != nil {
		return d.smtp.Close()
	}
	return nil
}

// sentMessage is one message of the citizen's, as the page shows it.
type sentMessage struct {
	store.Message
	Channel, State string
	Out            delivery.Outgoing
	// ID tells the page's messages apart.
	ID string
	// Due is when a reminder still to be sent is due; zero otherwise.
	Due time.Time
}

// messageStates say in Swedish where a message is.
var messageStates = map[store.MessageState]string{
	store.MessagePending:    "Väntar på att skickas",
	store.MessageSent:       "Skickat",
	store.MessageFailed:     "Kunde inte skickas",
	store.MessageSuperseded: "Ersatt av ett senare meddelande",
	store.MessageWithdrawn:  "Återkallat",
}

// sentMessages shows the messages the portal sent, or would send, to the
// citizen about their bookings: those of every booking their log names,
// newest first.
func (a *app) sentMessages(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("hsa", demoClinic.ID.String())
	c, ok := a.citizenAt(w, r)
	if !ok {
		return
	}
	events, err := a.stores.Audit().Events(r.Context(), sqlstore.AuditQuery{Subject: c.who.Person})
	if err != nil {
		a.unavailable(w, r, err)
		return
	}
	var groups []string
	for _, e := range events {
		switch e.Action {
		case booking.ActionBook, booking.ActionReschedule, booking.ActionCancel:
			if g := booking.MessageGroup(e.Clinic, e.BookingID); e.BookingID != "" && !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	var rows []sentMessage
	for _, g := range groups {
		ms, err := a.stores.Outbox().List(r.Context(), store.MessageFilter{Group: g})
		if err != nil {
			a.unavailable(w, r, err)
			return
		}
		for _, m := range ms {
			row := sentMessage{Message: m, Channel: "E-post", State: messageStates[m.State]}
			if m.Channel == booking.ChannelSMS {
				row.Channel = "Sms"
			}
			row.ID = strconv.Itoa(m.Sequence) + "-" + row.Channel
			if l, err := booking.DecodeLetter(m.Body); err == nil {
				if l.Kind == booking.Reminder {
					if !showReminder(m) {
						continue
					}
					row.ID = strconv.Itoa(m.Sequence) + "-paminnelse-" + strconv.Itoa(int(l.Before/time.Hour)) + "h-" + row.Channel
					if m.State == store.MessagePending {
						row.Due = m.NotBefore
					}
				}
				info := demoClinic
				if c, ok := a.clinics.byID[l.Booking.Facility]; ok {
					info = c.info
				}
				row.Out, _ = delivery.Write(l, deliveryClinic(info))
			}
			rows = append(rows, row)
		}
	}
	slices.SortStableFunc(rows, func(x, y sentMessage) int { return y.Created.Compare(x.Created) })
	if len(rows) > maxLogRows {
		rows = rows[:maxLogRows]
	}
	a.render(w, r, http.StatusOK, "messages", view{Title: "Skickade meddelanden", Data: rows,
		Back: "/mina-bokningar", BackText: "Tillbaka till Mina bokningar"})
}

// consentFrom reads the booking form's consent boxes.
func consentFrom(r *http.Request) booking.Consent {
	return booking.Consent{Email: r.PostFormValue("epost-ok") == "ja", SMS: r.PostFormValue("sms-ok") == "ja"}
}

// showReminder reports whether the messages page shows reminder m: one
// to be sent, sent, or failed; not one withdrawn or superseded by a move
// or a cancellation, which the citizen was told of by its own message.
func showReminder(m store.Message) bool {
	return m.State != store.MessageWithdrawn && m.State != store.MessageSuperseded
}
