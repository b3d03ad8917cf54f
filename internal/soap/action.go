package soap

import "strings"

// ContentType is the HTTP Content-Type of a SOAP 1.1 message.
const ContentType = "text/xml; charset=utf-8"

// QuoteAction returns the SOAPAction HTTP header value for action: SOAP
// 1.1 wants it quoted, e.g. "urn:riv:…:MakeBooking" with the quotes.
func QuoteAction(action string) string { return `"` + action + `"` }

// ParseAction returns the action in a SOAPAction header value, without
// surrounding whitespace and quotes. An empty result means no action.
func ParseAction(header string) string {
	s := strings.TrimSpace(header)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}
