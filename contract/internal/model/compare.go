package model

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// differ collects differences, one line per field: "path: got, want want".
type differ []string

func (d *differ) addf(format string, args ...any) { *d = append(*d, fmt.Sprintf(format, args...)) }

// eq compares two values by their JSON, which is also how they print: a nil
// pointer is null, as on the wire. Equal values, by far the most common,
// are told apart without encoding them.
func (d *differ) eq(path string, got, want any) {
	if reflect.DeepEqual(got, want) {
		return
	}
	if g, w := show(got), show(want); g != w {
		d.addf("%s: %s, want %s", path, g, w)
	}
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// compare checks an answer against the expected one, every field.
// activeMay is what a single certificate's optional active may say when
// present; nil: it must be absent.
func compare(want, got Response, note string, activeMay *bool) Outcome {
	o := Outcome{Want: want, Note: note}
	var d differ
	if got.Status != want.Status {
		// Bodies of different statuses are different things; the status
		// says it all.
		d.eq("status", got.Status, want.Status)
		o.Diffs = d
		return o
	}
	switch {
	case want.Error != nil:
		compareError(&d, got.Error, want.Error)
	case want.Certificate != nil:
		compareCertificate(&d, got.Certificate, want.Certificate, activeMay)
	case want.List != nil:
		compareList(&d, got.List, want.List)
	case want.Toggle != nil:
		if got.Toggle == nil {
			d.addf("body: not an activation or deactivation")
			break
		}
		d.eq("object", got.Toggle.Object, want.Toggle.Object)
		compareItems(&d, "data", got.Toggle.Data, want.Toggle.Data)
	case want.Deleted != nil:
		if got.Deleted == nil {
			d.addf("body: not a deletion")
			break
		}
		d.eq("object", got.Deleted.Object, want.Deleted.Object)
		d.eq("id", got.Deleted.ID, want.Deleted.ID)
	}
	o.Diffs = d
	return o
}

func compareError(d *differ, got, want *Error) {
	if got == nil {
		d.addf("error: missing")
		return
	}
	d.eq("error.type", got.Type, want.Type)
	d.eq("error.code", got.Code, want.Code)
	d.eq("error.param", got.Param, want.Param)
	if got.Message == "" {
		d.addf("error.message: empty, want a sentence saying what went wrong")
	}
}

func compareCertificate(d *differ, got, want *Certificate, activeMay *bool) {
	if got == nil {
		d.addf("body: not a certificate")
		return
	}
	d.eq("object", got.Object, want.Object)
	d.eq("id", got.ID, want.ID)
	d.eq("name", got.Name, want.Name)
	d.eq("created_at", got.CreatedAt, want.CreatedAt)
	compareDetails(d, "certificate_details", got.Details, want.Details)
	switch {
	case got.Active == nil:
	case activeMay == nil:
		d.addf("active: %t, want it absent", *got.Active)
	default:
		d.eq("active", got.Active, activeMay)
	}
}

func compareDetails(d *differ, path string, got, want Details) {
	d.eq(path+".valid_at", got.ValidAt, want.ValidAt)
	d.eq(path+".expires_at", got.ExpiresAt, want.ExpiresAt)
	d.eq(path+".content", got.Content, want.Content)
}

func compareList(d *differ, got, want *List) {
	if got == nil {
		d.addf("body: not a list")
		return
	}
	d.eq("object", got.Object, want.Object)
	compareItems(d, "data", got.Data, want.Data)
	d.eq("has_more", got.HasMore, want.HasMore)
	d.eq("first_id", got.FirstID, want.FirstID)
	d.eq("last_id", got.LastID, want.LastID)
}

// compareItems compares the ids first, so a missing, extra or misplaced
// certificate reads as one line, then every field of each item.
func compareItems(d *differ, path string, got, want []Item) {
	label := path
	if label == "" {
		label = "certificates"
	}
	if g, w := ids(got), ids(want); show(g) != show(w) {
		d.addf("%s: %s, want %s", label, show(g), show(w))
		return
	}
	for i := range got {
		p := fmt.Sprintf("%s[%d] (%s)", path, i, got[i].ID)
		if path == "" {
			p = got[i].ID
		}
		d.eq(p+".object", got[i].Object, want[i].Object)
		d.eq(p+".name", got[i].Name, want[i].Name)
		d.eq(p+".created_at", got[i].CreatedAt, want[i].CreatedAt)
		compareDetails(d, p+".certificate_details", got[i].Details, want[i].Details)
		d.eq(p+".active", got[i].Active, want[i].Active)
	}
}
