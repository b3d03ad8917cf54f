package main

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Staff and administrators work at one clinic at a time, chosen among
// the units of their HSA-id (Identity.StaffAt, Identity.AdminOf): the
// form value "mottagning" names it on every staff and administration
// page and form, and the pages list the units to choose from. Only the
// clinics in the portal's own book have their staff side here; a clinic
// reached over crm:scheduling keeps its book in its own system, whose
// staff side is the vendor's.

// clinicChoice is one of the clinics a staff member may choose.
type clinicChoice struct {
	clinicInfo
	Href string
	// Current is the clinic shown; Remote a clinic whose book is its
	// own system's.
	Current, Remote bool
}

// chosenClinic returns the clinic r names in "mottagning", or, when it
// names none, the first of units the portal keeps in its own book. ok is
// false for a clinic that is not one of units, or a malformed one.
func (a *app) chosenClinic(r *http.Request, units []tidbok.HSAID) (id tidbok.HSAID, ok bool) {
	v := r.FormValue("mottagning")
	if v == "" {
		for _, u := range units {
			if c, known := a.clinics.byID[u]; known && c.remote == "" {
				return u, true
			}
		}
		if len(units) == 0 {
			return tidbok.HSAID{}, false
		}
		return units[0], true
	}
	id, err := tidbok.ParseHSAID(v)
	if err != nil || !slices.Contains(units, id) {
		return tidbok.HSAID{}, false
	}
	return id, true
}

// clinicChoices lists the clinics of units the portal serves, each
// linking to path for it.
func (a *app) clinicChoices(units []tidbok.HSAID, current tidbok.HSAID, path string) []clinicChoice {
	var out []clinicChoice
	for _, c := range a.clinics.list {
		if !slices.Contains(units, c.info.ID) {
			continue
		}
		out = append(out, clinicChoice{clinicInfo: c.info, Href: path + clinicQuery(c.info.ID),
			Current: c.info.ID == current, Remote: c.remote != ""})
	}
	return out
}

// clinicQuery is the query naming the clinic id on staff and
// administration pages.
func clinicQuery(id tidbok.HSAID) string { return "?mottagning=" + url.QueryEscape(id.String()) }

// ownBookClinic returns the clinic id if the portal keeps its book
// itself. For a clinic the portal reaches over crm:scheduling it answers
// the request with a page saying that the clinic's own system has its
// staff side, and for one the portal does not serve with "not found".
func (a *app) ownBookClinic(w http.ResponseWriter, r *http.Request, id tidbok.HSAID, units []tidbok.HSAID, path, what string) (clinicInfo, bool) {
	c, ok := a.clinics.byID[id]
	switch {
	case !ok:
		a.notFound(w, r)
		return clinicInfo{}, false
	case c.remote != "":
		d := errorData{Text: c.info.Name + "s tidbok finns i mottagningens eget journalsystem och nås av portalen över crm:scheduling. " +
			what + " sköts där, i journalsystemets leverantörs program, inte i den här portalen."}
		for _, ch := range a.clinicChoices(units, id, path) {
			if !ch.Remote {
				d.Links = append(d.Links, link{ch.Href, ch.Name})
			}
		}
		a.render(w, r, http.StatusOK, "error", view{Title: c.info.Name + ": i mottagningens eget system", Data: d})
		return clinicInfo{}, false
	}
	return c.info, true
}

// clinicInContext returns the HSA-id of the clinic r is about, if the
// portal serves it: the one in the path of a citizen's page, or the one
// "mottagning" names.
func (a *app) clinicInContext(r *http.Request) string {
	v := r.URL.Query().Get("mottagning")
	if strings.HasPrefix(r.URL.Path, "/mottagning/") {
		v = r.PathValue("hsa")
	} else if r.Method == http.MethodPost && r.PostForm != nil {
		if p := r.PostForm.Get("mottagning"); p != "" {
			v = p
		}
	}
	if c, ok := a.clinicByID(v); ok {
		return c.info.ID.String()
	}
	return ""
}
