// Package delivery delivers the messages the booking flow queues in its
// outbox: confirmations, moves, cancellations and reminders, by e-mail
// and SMS.
//
// booking.Service writes a [booking.Letter] per channel the citizen agreed
// to ([booking.Consent]) into its Config.Outbox in the same step as the
// change, keyed so that a repeated or resumed call queues it once. A
// [Worker] claims due messages under a lease, writes each in Swedish
// ([Write]: what happened, when, where, with whom, what to bring, how to
// cancel; never a personal identity number), sends it with the
// channel's [Sender] and records the outcome in the outbox: sent, failed
// for good (no or a bad address, a permanent refusal, too many
// attempts), or due again after an exponential backoff.
//
// A reminder is queued due ahead of the visit (its NotBefore, see
// "Reminders" in package booking) and claimed once due; it is dropped,
// recorded as failed, once the visit has begun, as any message is once
// the visit is over. A reminder of a moved or cancelled booking was
// withdrawn or superseded in the outbox and is never claimed.
//
// # Wiring
//
// A portal gives the flow and the worker the same outbox, a
// sqlstore.Stores' Outbox when several processes share a database:
//
//	stores, _ := sqlstore.Open(ctx, db, sqlstore.Postgres)
//	svc, _ := booking.New(booking.Config{ /* … */ Outbox: stores.Outbox()})
//	mailer, _ := delivery.NewSMTP(delivery.SMTPConfig{Host: "smtp.example.se",
//		Username: "portal", Password: os.Getenv("SMTP_PASSWORD"),
//		From: "Vårdcentralen Exempel <no-reply@example.se>"})
//	w, _ := delivery.New(delivery.Config{Outbox: stores.Outbox(),
//		Senders: map[string]delivery.Sender{booking.ChannelEmail: mailer, booking.ChannelSMS: sms},
//		Clinics: map[tidbok.HSAID]delivery.Clinic{clinic: {Address: "Storgatan 1, 111 22 Stockholm"}}})
//	go w.Run(ctx)
//
// Every portal process may run a worker: on PostgreSQL each message is
// claimed by one of them (FOR UPDATE SKIP LOCKED); on SQLite claims take
// turns. A worker that dies leaves its claimed messages to the others
// when the lease ends, so a message is sent at least once; a resent
// e-mail keeps its Message-ID ([MessageID]). A demo without a mail
// server uses [Keep], which sends nothing and records the message as
// sent, for the portal to show.
package delivery
