package suite

import (
	"errors"
	"fmt"
)

// Page is one page of a list as a walk reads it.
type Page[T any] struct {
	Items   []T
	HasMore bool
	LastID  *string
	// CursorGone says the API refused the cursor as no certificate of the
	// organization, as it does when another client has deleted the
	// certificate the walk was to continue after.
	CursorGone bool
}

// MaxStepBacks bounds how often one walk recovers from a vanished cursor,
// so an API that refuses every cursor ends the walk instead of looping.
const MaxStepBacks = 10

// maxPages ends a walk that never ends: an organization holds 50
// certificates, so even pages of one are done long before.
const maxPages = 1000

// Walk follows a list's cursor from the start to the end; page answers the
// page after a cursor (nil: the first page), id names an item.
//
// On a shared organization the certificate a walk continues after can be
// deleted by someone else between two pages. The walk then steps back to
// the certificate it saw before that one (to the start, when there is none)
// and goes on from there, dropping what it has already seen after that
// point. So every certificate that stays in the organization for the whole
// walk is returned exactly once and in order; one deleted meanwhile may or
// may not be, and so may one uploaded meanwhile. An item the API repeats
// outside such an overlap is kept, for the caller to judge.
func Walk[T any](id func(T) string, page func(after *string) (Page[T], error)) ([]T, error) {
	var all []T
	var seen []string // ids in the order returned
	at := -1          // index in seen of the cursor; -1: the start
	var overlap map[string]bool
	stepBacks := 0
	for range maxPages {
		var after *string
		if at >= 0 {
			cursor := seen[at]
			after = &cursor
		}
		p, err := page(after)
		if err != nil {
			return all, err
		}
		if p.CursorGone {
			if at < 0 {
				return all, errors.New("the list refuses its first page as if it had a cursor")
			}
			if stepBacks == MaxStepBacks {
				return all, fmt.Errorf("the list refused %d cursors in one walk; the last was %s", stepBacks+1, seen[at])
			}
			stepBacks++
			at--
			overlap = map[string]bool{}
			for _, s := range seen[at+1:] {
				overlap[s] = true
			}
			continue
		}
		for _, item := range p.Items {
			if overlap[id(item)] {
				continue
			}
			all = append(all, item)
			seen = append(seen, id(item))
		}
		overlap = nil
		if !p.HasMore {
			return all, nil
		}
		if p.LastID == nil {
			return all, errors.New("a page says has_more but gives no last_id")
		}
		// The latest place it was seen: where a repeated id sits is the
		// caller's to judge, the walk only goes on from there.
		for at = len(seen) - 1; at >= 0 && seen[at] != *p.LastID; at-- {
		}
		if at < 0 {
			return all, fmt.Errorf("a page gives last_id %s, which the list never showed", *p.LastID)
		}
	}
	return all, fmt.Errorf("the list did not end after %d pages", maxPages)
}
