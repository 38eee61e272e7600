package store

// ListQuery is a list request's parameters, defaults already applied.
type ListQuery struct {
	After string // "": from the start
	Limit int
	Desc  bool
}

// Page is one page of a list.
type Page struct {
	Items   []Item
	HasMore bool
}

// List returns one page of the organization's certificates with their state
// in sc, in creation order (ties broken by upload order, so a cursor walk
// sees each certificate exactly once), starting after the cursor q.After.
func (org *Organization) List(sc Scope, q ListQuery) (Page, error) {
	if err := org.checkScope(sc); err != nil {
		return Page{}, err
	}
	org.mu.RLock()
	defer org.mu.RUnlock()
	n := len(org.entries)
	at := func(i int) *entry { // the i-th in the requested order
		if q.Desc {
			return org.entries[n-1-i]
		}
		return org.entries[i]
	}
	start := 0
	if q.After != "" {
		cursor := org.byID[q.After]
		if cursor == nil {
			return Page{}, refuse(ErrUnknownCursor, "No certificate with id %s in this organization to continue after.", q.After)
		}
		for at(start) != cursor {
			start++
		}
		start++
	}
	end := min(start+q.Limit, n)
	page := Page{Items: make([]Item, 0, end-start), HasMore: end < n}
	for i := start; i < end; i++ {
		page.Items = append(page.Items, at(i).item(sc))
	}
	return page, nil
}
