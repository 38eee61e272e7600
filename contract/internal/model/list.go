package model

import (
	"net/http"
	"slices"
)

// ordered is the model's certificates in a list's order.
func (m *Model) ordered(desc bool) []*cert {
	out := slices.Clone(m.certs)
	if desc {
		slices.Reverse(out)
	}
	return out
}

func items(cs []*cert, project string) []Item {
	out := make([]Item, len(cs))
	for i, c := range cs {
		out[i] = c.item(project)
	}
	return out
}

func listProject(req Request) string {
	if req.Op == ListProject {
		return req.Project
	}
	return ""
}

// list is one page: up to limit certificates after the cursor, in order.
func (m *Model) list(req Request, got Response) Outcome {
	project := listProject(req)
	limit := DefaultLimit
	if req.Limit != nil {
		limit = *req.Limit
	}
	all := m.ordered(req.Order == nil || *req.Order == orderDsc)
	start := 0
	if req.After != nil {
		start = slices.IndexFunc(all, func(c *cert) bool { return c.id == *req.After }) + 1
	}
	rest := items(all[start:], project)
	page := rest[:min(limit, len(rest))]
	want := &List{Object: objectList, Data: page, HasMore: len(rest) > limit}
	if len(page) > 0 {
		want.FirstID, want.LastID = &page[0].ID, &page[len(page)-1].ID
	}
	if !m.shared {
		return compare(Response{Status: http.StatusOK, List: want}, got, "", nil)
	}
	return m.sharedPage(Response{Status: http.StatusOK, List: want}, rest, limit, got)
}

// sharedPage checks a page of a shared organization: others' certificates may
// stand anywhere among the model's, so the model's own on the page must be
// the next ones after the cursor, in order, and all of them when the page
// says nothing follows.
func (m *Model) sharedPage(want Response, rest []Item, limit int, got Response) Outcome {
	o := Outcome{Want: want, Note: "the model's own certificates only: others' may stand before, between and after them and push them to later pages"}
	if got.Status != http.StatusOK || got.List == nil {
		o.Diffs = compare(want, got, "", nil).Diffs
		return o
	}
	var d differ
	l := got.List
	d.eq("object", l.Object, objectList)
	if len(l.Data) > limit {
		d.addf("data: %d certificates on a page of limit=%d", len(l.Data), limit)
	}
	if len(l.Data) < limit && l.HasMore {
		d.addf("has_more: true on a page of %d certificates, short of limit=%d", len(l.Data), limit)
	}
	var firstID, lastID *string
	if len(l.Data) > 0 {
		firstID, lastID = &l.Data[0].ID, &l.Data[len(l.Data)-1].ID
	}
	d.eq("first_id", l.FirstID, firstID)
	d.eq("last_id", l.LastID, lastID)
	own := m.own(&d, l.Data)
	if len(own) > len(rest) {
		d.addf("data: %d of the model's certificates, but only %d follow the cursor", len(own), len(rest))
		own = own[:len(rest)]
	}
	compareItems(&d, "data", own, rest[:len(own)])
	if !l.HasMore && len(own) < len(rest) {
		d.addf("has_more: false, but the model's %s follow", show(ids(rest[len(own):])))
	}
	o.Diffs = d
	return o
}

// own keeps the model's certificates of a list, noting any it saw deleted.
func (m *Model) own(d *differ, data []Item) []Item {
	var out []Item
	for _, it := range data {
		switch {
		case m.find(it.ID) != nil:
			out = append(out, it)
		case m.ever[it.ID]:
			d.addf("data: %s is listed, but it was deleted", it.ID)
		}
	}
	return out
}

// CompareWalk compares a whole list, read page after page, with the model:
// the organization list when project is "", else that project's, in
// descending or ascending order. On a shared organization only the model's
// own certificates are compared.
func (m *Model) CompareWalk(project string, desc bool, got []Item) []string {
	want := items(m.ordered(desc), project)
	var d differ
	if m.shared {
		got = m.own(&d, got)
	}
	compareItems(&d, "", got, want)
	return d
}

func ids(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// Walk is the whole list CompareWalk expects, for a report.
func (m *Model) Walk(project string, desc bool) []Item {
	return items(m.ordered(desc), project)
}
