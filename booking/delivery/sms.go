package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cenkalti/backoff/v4"
)

// SMSGateway sends SMS through an HTTP gateway, one POST per message:
//
//	POST {URL}
//	Authorization: Bearer {Token}
//	Content-Type: application/json
//
//	{"from": "Vardcentr", "to": "+46701234567", "message": "…", "reference": "…"}
//
// The number is sent in E.164 form; reference is the outbox key's
// digest, the same for every copy, for gateways that drop duplicates. A
// 2xx answer is a success, whose body's "id", if any, is the receipt; 4xx
// (other than 408 and 429) is a permanent failure; anything else is
// tried again. It is safe for concurrent use.
type SMSGateway struct {
	// URL is the gateway's endpoint; Token its bearer token.
	URL, Token string
	// From is the sender name or number the SMS shows.
	From string
	// Client sends the requests. Default: http.DefaultClient.
	Client *http.Client
}

// smsRequest is the gateway's JSON body.
type smsRequest struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Message   string `json:"message"`
	Reference string `json:"reference"`
}

// Send implements [Sender].
func (g *SMSGateway) Send(ctx context.Context, m Outgoing) (string, error) {
	to, err := mobileE164(m.To)
	if err != nil {
		return "", backoff.Permanent(err)
	}
	body, err := json.Marshal(smsRequest{From: g.From, To: to, Message: m.Text, Reference: MessageID(m.Key, "sms")[:40]})
	if err != nil {
		return "", backoff.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return "", backoff.Permanent(fmt.Errorf("delivery: the SMS gateway's URL: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.Token)
	c := g.Client
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("delivery: SMS gateway: %w", err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	switch {
	case res.StatusCode/100 == 2:
		var ans struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(data, &ans)
		return strings.TrimSpace(res.Status + " " + ans.ID), nil
	case res.StatusCode/100 == 4 && res.StatusCode != http.StatusRequestTimeout && res.StatusCode != http.StatusTooManyRequests:
		return "", backoff.Permanent(fmt.Errorf("delivery: the SMS gateway refused the message: %s", res.Status))
	}
	return "", fmt.Errorf("delivery: SMS gateway: %s", res.Status)
}

// mobileE164 returns a Swedish mobile number (07x…, +467x…, 00467x…)
// in E.164 form, or an error matching ErrNoAddress or ErrBadAddress.
func mobileE164(s string) (string, error) {
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r == '+':
			return r
		case r == ' ', r == '-', r == '(', r == ')':
			return -1
		}
		return 'x'
	}, strings.TrimSpace(s))
	switch {
	case digits == "":
		return "", ErrNoAddress
	case strings.HasPrefix(digits, "+46"):
		digits = "0" + digits[3:]
	case strings.HasPrefix(digits, "0046"):
		digits = "0" + digits[4:]
	}
	if len(digits) != 10 || !strings.HasPrefix(digits, "07") || strings.ContainsAny(digits, "x+") {
		return "", fmt.Errorf("%w: %q is not a Swedish mobile number", ErrBadAddress, s)
	}
	return "+46" + digits[1:], nil
}

// Keep is a [Sender] that sends nothing: the message is recorded as sent
// in the outbox, where a demo can show it (see [Write] to show its text).
// For a portal run without a mail server or SMS gateway.
type Keep struct{}

// Send implements [Sender]: it checks the address as a real channel
// would, and sends nothing.
func (Keep) Send(_ context.Context, m Outgoing) (string, error) {
	if strings.TrimSpace(m.To) == "" {
		return "", backoff.Permanent(ErrNoAddress)
	}
	return "kept: not sent (no mail server or SMS gateway configured)", nil
}
