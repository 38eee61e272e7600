package suite

import (
	"slices"
	"strings"
	"testing"
)

// fakeList pages through ids, limit at a time, refusing a cursor it does not
// hold as the emulator does. before runs ahead of each request after the
// first, so a test can delete between pages as another client would.
type fakeList struct {
	ids    []string
	limit  int
	repeat bool                     // each page after a cursor starts with the cursor again
	refuse func(after string) bool  // refuse a cursor that is there
	before func(l *fakeList, n int) // n: the request about to be answered, from 1
	asked  []string                 // the cursors asked with, "" for the start
}

func (l *fakeList) page(after *string) (Page[string], error) {
	if l.before != nil {
		l.before(l, len(l.asked)+1)
	}
	start := 0
	if after != nil {
		l.asked = append(l.asked, *after)
		i := slices.Index(l.ids, *after)
		if i < 0 || l.refuse != nil && l.refuse(*after) {
			return Page[string]{CursorGone: true}, nil
		}
		start = i + 1
		if l.repeat {
			start = i
		}
	} else {
		l.asked = append(l.asked, "")
	}
	end := min(start+l.limit, len(l.ids))
	items := slices.Clone(l.ids[start:end])
	p := Page[string]{Items: items, HasMore: end < len(l.ids)}
	if len(items) > 0 {
		last := items[len(items)-1]
		p.LastID = &last
	}
	return p, nil
}

func (l *fakeList) delete(ids ...string) {
	l.ids = slices.DeleteFunc(l.ids, func(id string) bool { return slices.Contains(ids, id) })
}

func identity(s string) string { return s }

func TestWalkRidesOutCursorsOthersDelete(t *testing.T) {
	six := func() []string { return []string{"c1", "c2", "c3", "c4", "c5", "c6"} }
	for _, tc := range []struct {
		name      string
		list      *fakeList
		want      []string
		wantAsked []string
	}{
		{"nobody deletes", &fakeList{ids: six(), limit: 2},
			six(), []string{"", "c2", "c4"}},
		{"the cursor is deleted: one step back", &fakeList{ids: six(), limit: 2,
			before: func(l *fakeList, n int) {
				if n == 2 {
					l.delete("c2")
				}
			}},
			six(), []string{"", "c2", "c1", "c4"}},
		{"the cursor and the one before it are deleted: back to the start", &fakeList{ids: six(), limit: 2,
			before: func(l *fakeList, n int) {
				if n == 2 {
					l.delete("c1", "c2")
				}
			}},
			six(), []string{"", "c2", "c1", "", "c4"}},
		{"a cursor refused though still there: what follows it is not repeated", &fakeList{ids: six(), limit: 2,
			refuse: func(after string) bool { return after == "c4" }},
			six(), []string{"", "c2", "c4", "c3", "c5"}},
		{"others' certificates deleted further on are simply not seen", &fakeList{ids: six(), limit: 2,
			before: func(l *fakeList, n int) {
				if n == 2 {
					l.delete("c5")
				}
			}},
			[]string{"c1", "c2", "c3", "c4", "c6"}, []string{"", "c2", "c4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Walk(identity, tc.list.page)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("walk = %v, want %v", got, tc.want)
			}
			if !slices.Equal(tc.list.asked, tc.wantAsked) {
				t.Errorf("cursors asked %q, want %q", tc.list.asked, tc.wantAsked)
			}
		})
	}
}

// A list that repeats items is not papered over: the repeats reach the
// caller, whose spec says whether they are allowed.
func TestWalkKeepsWhatTheAPIRepeats(t *testing.T) {
	l := &fakeList{ids: []string{"c1", "c2", "c3", "c4"}, limit: 2, repeat: true}
	got, err := Walk(identity, l.page)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"c1", "c2", "c2", "c3", "c3", "c4"}; !slices.Equal(got, want) {
		t.Fatalf("walk = %v, want %v", got, want)
	}
}

func TestWalkEndsWithAnErrorWhereItCannotGoOn(t *testing.T) {
	for _, tc := range []struct {
		name string
		page func(after *string) (Page[string], error)
		want string
	}{
		{"every cursor refused", (&fakeList{ids: []string{"c1", "c2", "c3"}, limit: 1, refuse: func(string) bool { return true }}).page,
			"refused 11 cursors"},
		{"the first page refused", func(*string) (Page[string], error) { return Page[string]{CursorGone: true}, nil },
			"refuses its first page"},
		{"has_more without last_id", func(*string) (Page[string], error) { return Page[string]{Items: []string{"c1"}, HasMore: true}, nil },
			"no last_id"},
		{"a last_id never listed", func(*string) (Page[string], error) {
			other := "c9"
			return Page[string]{Items: []string{"c1"}, HasMore: true, LastID: &other}, nil
		}, "never showed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Walk(identity, tc.page)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Walk() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
