package main

// Errors in forms, the same way on every page of the portal:
//
//   - the page's title starts with "Fel: " (view.Error or view.Problems
//     set), so that a screen reader says so first;
//   - a summary at the top (role="alert") gives view.Error, then every
//     problem of view.Problems at once, each a link to its field;
//   - each field with a problem has aria-invalid="true", and the
//     message next to it, whose id its aria-describedby names.
//
// A handler sets view.Problems to a formProblem per problem, Field being
// the id of the input the problem is about (empty for a problem of the
// whole form: listed, not linked); or, for a form with one problem, sets
// view.Error and view.ErrorField, the id of the field it is about. A
// template marks a field with
//
//	<input id="namn" …{{with problemFor $ "namn"}} aria-invalid="true" aria-describedby="namn-fel"{{end}}>
//	{{template "field-error" problemFor $ "namn"}}
//
// where $ is the page's view; "field-error" (layout.html) writes the
// message with the id "namn-fel". Nothing else is needed: the layout
// writes the title and the summary.

// formProblem is one problem with what a form sent: the id of its field,
// the field's label and what to do, both in Swedish.
type formProblem struct {
	Field, Label, Text string
}

// problemFor returns the problem of the field with the id field, or nil.
// Templates call it as problemFor.
func problemFor(v view, field string) *formProblem {
	if v.ErrorField != "" && v.ErrorField == field {
		return &formProblem{Field: field, Text: v.Error}
	}
	for i := range v.Problems {
		if v.Problems[i].Field == field {
			return &v.Problems[i]
		}
	}
	return nil
}

// HasErrors reports whether v shows an error: its title then starts
// with "Fel: ".
func (v view) HasErrors() bool { return v.Error != "" || len(v.Problems) > 0 }
