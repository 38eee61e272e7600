package fidelity

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A replay against a target that is wrong in one way everywhere (two fields
// swapped, a name always null) diverges in every answer, tens of thousands
// of times; the report leads with that one fact. Divergences are grouped by
// operation, field (list positions and ids folded to [*]) and check, each
// group with a count and its first two examples; the groups that diverge
// in every exchange that could, across operations, come first. The list of
// every divergence stays in the JSON report and in the text one with
// Verbose.

// Group is the divergences of one operation at one field of one check.
type Group struct {
	Operation string `json:"operation"`
	Field     string `json:"field,omitempty"` // folded: data[*].certificate_details.valid_at
	Check     Check  `json:"check"`
	// Count is how many divergences, Exchanges in how many exchanges, Of
	// of how many replayed exchanges of the operation whose recorded answer
	// had that status and field.
	Count     int `json:"count"`
	Exchanges int `json:"exchanges"`
	Of        int `json:"of"`
	// Everywhere says every exchange that could diverge so did.
	Everywhere bool      `json:"everywhere"`
	AllowedBy  string    `json:"allowedBy,omitempty"`
	Examples   []Example `json:"examples"`
	statuses   map[int]bool
}

// Example is one divergence of a group, with where it happened.
type Example struct {
	Entry    int    `json:"entry"`
	Path     string `json:"path"`
	Field    string `json:"field,omitempty"`
	Recorded string `json:"recorded"`
	Replayed string `json:"replayed"`
}

// Finding is one field that diverges the same way in every answer of every
// operation that has it: what a reader must see first.
type Finding struct {
	Field      string   `json:"field,omitempty"` // list items' fields without data[*].
	Check      Check    `json:"check"`
	Operations []string `json:"operations"`
	Count      int      `json:"count"`
	Exchanges  int      `json:"exchanges"`
	Example    Example  `json:"example"`
	// SwappedWith names another finding's field whose recorded value this
	// one's replay holds, and the other way round: two fields swapped.
	SwappedWith string `json:"swappedWith,omitempty"`
}

var positions = regexp.MustCompile(`\[[^\]]*\]`)

// fold turns a field path into its group's: list positions and ids alike
// become [*].
func fold(path string) string { return positions.ReplaceAllString(path, "[*]") }

// examplesPerGroup is how many examples a group keeps.
const examplesPerGroup = 2

// group builds the report's groups and findings.
func (r *Report) group() {
	byKey := map[string]*Group{}
	var order []*Group
	for _, o := range r.Operations {
		for _, x := range o.Exchanges {
			seen := map[*Group]bool{}
			for _, d := range x.Divergences {
				key := strings.Join([]string{o.Operation, fold(d.Field), string(d.Check), d.AllowedBy}, "\x00")
				g := byKey[key]
				if g == nil {
					g = &Group{Operation: o.Operation, Field: fold(d.Field), Check: d.Check, AllowedBy: d.AllowedBy,
						Examples: []Example{}, statuses: map[int]bool{}}
					byKey[key] = g
					order = append(order, g)
				}
				g.Count++
				g.statuses[x.Recorded.Status] = true
				if !seen[g] {
					seen[g] = true
					g.Exchanges++
				}
				// Examples from different exchanges say more than two of one.
				if n := len(g.Examples); n < examplesPerGroup && (n == 0 || g.Examples[n-1].Entry != x.Entry) {
					g.Examples = append(g.Examples, Example{Entry: x.Entry, Path: x.Method + " " + x.Path, Field: d.Field, Recorded: d.Recorded, Replayed: d.Replayed})
				}
			}
		}
	}
	for _, g := range order {
		g.Of = r.could(g)
		g.Everywhere = g.Exchanges >= g.Of
	}
	slices.SortStableFunc(order, func(a, b *Group) int {
		return cmp.Or(-cmp.Compare(boolInt(a.Everywhere), boolInt(b.Everywhere)), -cmp.Compare(a.Exchanges, b.Exchanges),
			cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Check, b.Check))
	})
	r.Groups = make([]Group, len(order))
	for i, g := range order {
		r.Groups[i] = *g
	}
	r.Findings = findings(r.Groups)
}

// could is how many replayed exchanges of g's operation could have diverged
// as g did: recorded with one of its statuses, and for a check of a field,
// with that field in the recorded answer.
func (r *Report) could(g *Group) int {
	byField := g.Field != "" && g.Check != CheckHeader && g.Check != CheckExtra
	n := 0
	for _, x := range r.replayed[g.Operation] {
		if g.statuses[x.Recorded.Status] && (!byField || x.fields == nil || x.fields[g.Field]) {
			n++
		}
	}
	return n
}

// findings are the fields that diverge everywhere, the same way, gathered
// across operations: a list item's field and a single answer's are one.
func findings(groups []Group) []Finding {
	byKey := map[string]*Finding{}
	var order []*Finding
	for _, g := range groups {
		if !g.Everywhere || g.AllowedBy != "" {
			continue
		}
		field := strings.TrimPrefix(g.Field, "data[*].")
		key := field + "\x00" + string(g.Check)
		f := byKey[key]
		if f == nil {
			f = &Finding{Field: field, Check: g.Check, Example: g.Examples[0]}
			byKey[key] = f
			order = append(order, f)
		}
		f.Operations = append(f.Operations, g.Operation)
		f.Count += g.Count
		f.Exchanges += g.Exchanges
	}
	out := make([]Finding, len(order))
	for i, f := range order {
		slices.Sort(f.Operations)
		out[i] = *f
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return -cmp.Compare(a.Exchanges, b.Exchanges) })
	for i := range out {
		for j := range out {
			a, b := out[i].Example, out[j].Example
			if i != j && a.Entry == b.Entry && a.Recorded != a.Replayed && a.Recorded == b.Replayed && a.Replayed == b.Recorded {
				out[i].SwappedWith = out[j].Field
			}
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// what names a group's or finding's field and check in words.
func what(field string, check Check) string {
	if field == "" {
		return string(check)
	}
	return fmt.Sprintf("%s (%s)", field, check)
}

func (e Example) line() string {
	at := ""
	if strings.Contains(e.Field, "[") {
		at = " " + e.Field // which item of a list
	}
	return fmt.Sprintf("entry %d %s:%s recorded %s, replayed %s", e.Entry, e.Path, at, e.Recorded, e.Replayed)
}

// fieldsOf are the folded paths of every field in a JSON body, for could.
func fieldsOf(body []byte) map[string]bool {
	v, ok := decodeJSON(body)
	if !ok {
		return map[string]bool{}
	}
	out := map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		if path != "" {
			out[path] = true
		}
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(join(path, k), e)
			}
		case []any:
			for _, e := range v {
				walk(path+"[*]", e)
			}
		}
	}
	walk("", v)
	return out
}
