package crmwire

import (
	"fmt"
	"strings"
)

// envelope builds a SOAP envelope around header blocks and a body, with
// prefixes declared on the Envelope as many consumers do.
func envelope(header, body string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:itr="urn:riv:itintegration:registry:1" xmlns:ih="urn:riv:interoperability:headers:1"
    xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:core="urn:riv:crm:scheduling:1"
    xmlns:core11="urn:riv:crm:scheduling:1.1">`)
	if header != "" {
		b.WriteString("\n  <soapenv:Header>" + header + "</soapenv:Header>")
	}
	b.WriteString("\n  <soapenv:Body>" + body + "</soapenv:Body>\n</soapenv:Envelope>\n")
	return []byte(b.String())
}

// bp21 returns RIV-TA 2.1 header blocks for the test clinic with a
// subject_of_care actor.
func bp21(actorID string) string {
	return bp21Actor(actorID, "subject_of_care")
}

func bp21Actor(actorID, actorType string) string {
	return fmt.Sprintf(`<itr:LogicalAddress>%s</itr:LogicalAddress><ih:Actor><ih:actorId>%s</ih:actorId><ih:actorType>%s</ih:actorType></ih:Actor>`,
		hsaClinic, actorID, actorType)
}

// scheduleBody is a GetSubjectOfCareSchedule request body.
func scheduleBody(subject string) string {
	return fmt.Sprintf(`<s:GetSubjectOfCareSchedule xmlns:s="urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1">
      <s:healthcare_facility>%s</s:healthcare_facility><s:subject_of_care>%s</s:subject_of_care></s:GetSubjectOfCareSchedule>`, hsaClinic, subject)
}

// detailsResponse is a GetBookingDetailsResponse around timeslot
// children, with the elements the TKB requires there added unless
// children has them.
func detailsResponse(children string) []byte {
	return envelope("", `<r:GetBookingDetailsResponse xmlns:r="urn:riv:crm:scheduling:GetBookingDetailsResponder:1"><r:timeslotDetail>`+
		requiredDetails(children)+`</r:timeslotDetail></r:GetBookingDetailsResponse>`)
}

// requiredDetails returns children of a GetBookingDetails timeslot with
// the required elements that children lacks added, in the core namespace.
func requiredDetails(children string) string {
	add := func(local, value string) string {
		if strings.Contains(children, ":"+local+">") {
			return ""
		}
		return "<core:" + local + ">" + value + "</core:" + local + ">"
	}
	return add("startTimeInclusive", "20250314093000") + add("endTimeExclusive", "20250314095000") +
		`<core:healthcare_facility>` + hsaClinic + `</core:healthcare_facility>` +
		add("subject_of_care", pnSubject) + children +
		add("cancel_booking_allowed", "true") + add("rebooking_allowed", "true") + add("message_allowed", "false")
}
