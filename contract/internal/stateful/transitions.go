package stateful

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/certcontract/certcontract/contract/internal/model"
)

// Transition is an ordered pair of state-changing operations applied to one
// certificate, the second the next one after the first: the unit a bug that
// only a sequence shows lives in (a reactivation after a deactivation, a
// project toggle after an organization one).
type Transition struct {
	From model.Op `json:"from"`
	To   model.Op `json:"to"`
}

func (t Transition) String() string { return shortOp[t.From] + " → " + shortOp[t.To] }

// changing are the operations that change a certificate: an upload starts
// one, a delete ends it, the five in between may follow one another in any
// order, each itself included.
var changing = []model.Op{model.Upload, model.Modify, model.ActivateOrganization, model.DeactivateOrganization,
	model.ActivateProject, model.DeactivateProject, model.Delete}

var shortOp = map[model.Op]string{
	model.Upload: "upload", model.Modify: "rename", model.Delete: "delete",
	model.ActivateOrganization: "org on", model.DeactivateOrganization: "org off",
	model.ActivateProject: "project on", model.DeactivateProject: "project off",
}

// Transitions are every pair there is: 6 operations may come first (all but
// delete), 6 second (all but upload).
func Transitions() []Transition {
	var out []Transition
	for _, from := range changing {
		for _, to := range changing {
			if from != model.Delete && to != model.Upload {
				out = append(out, Transition{from, to})
			}
		}
	}
	return out
}

// TransitionCoverage is which transitions a run applied, and how many of
// them the check after the step read every list after. Every step's answer
// is checked by the model, so an applied transition is a checked one.
type TransitionCoverage struct {
	Applied map[Transition]int `json:"-"`
	Read    map[Transition]int `json:"-"`
}

// transitionCount is a transition with its counts, as the report's JSON
// holds it.
type transitionCount struct {
	Transition
	Applied int `json:"applied"`
	Read    int `json:"read"`
}

func newTransitionCoverage() TransitionCoverage {
	return TransitionCoverage{Applied: map[Transition]int{}, Read: map[Transition]int{}}
}

// Covered is how many of the transitions there are were applied and read
// after.
func (c TransitionCoverage) Covered() int {
	n := 0
	for _, t := range Transitions() {
		if c.Applied[t] > 0 && c.Read[t] > 0 {
			n++
		}
	}
	return n
}

// Missing are the transitions not covered, in the order Transitions lists them.
func (c TransitionCoverage) Missing() []Transition {
	var out []Transition
	for _, t := range Transitions() {
		if c.Applied[t] == 0 || c.Read[t] == 0 {
			out = append(out, t)
		}
	}
	return out
}

// Summary is the report's one line.
func (c TransitionCoverage) Summary() string {
	s := fmt.Sprintf("transition coverage: %d of %d ordered pairs of state-changing operations on one certificate, each followed by a read of every list",
		c.Covered(), len(Transitions()))
	if m := c.Missing(); len(m) > 0 {
		names := make([]string, len(m))
		for i, t := range m {
			names[i] = t.String()
		}
		s += "; missing: " + strings.Join(names, ", ")
	}
	return s
}

// Table is the summary and the matrix of counts: first operation down,
// second across, "-" where a pair cannot be.
func (c TransitionCoverage) Table() string {
	var b strings.Builder
	b.WriteString(c.Summary() + "\n\n")
	from := slices.DeleteFunc(slices.Clone(changing), func(op model.Op) bool { return op == model.Delete })
	to := changing[1:]
	width := 0
	for _, op := range changing {
		width = max(width, len(shortOp[op]))
	}
	fmt.Fprintf(&b, "  %-*s", width+8, "then →")
	for _, op := range to {
		fmt.Fprintf(&b, " %*s", max(len(shortOp[op]), 4), shortOp[op])
	}
	b.WriteString("\n")
	for _, f := range from {
		fmt.Fprintf(&b, "  after %-*s", width+2, shortOp[f])
		for _, t := range to {
			fmt.Fprintf(&b, " %*d", max(len(shortOp[t]), 4), c.Applied[Transition{f, t}])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// String is the table, as a report entry shows it.
func (c TransitionCoverage) String() string { return c.Table() }

// MarshalJSON writes every transition with its counts.
func (c TransitionCoverage) MarshalJSON() ([]byte, error) {
	var out []transitionCount
	for _, t := range Transitions() {
		out = append(out, transitionCount{t, c.Applied[t], c.Read[t]})
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote, as a report entry from
// another process arrives.
func (c *TransitionCoverage) UnmarshalJSON(b []byte) error {
	var in []transitionCount
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*c = newTransitionCoverage()
	c.add(in)
	return nil
}

func (c TransitionCoverage) add(in []transitionCount) {
	for _, t := range in {
		c.Applied[t.Transition] += t.Applied
		c.Read[t.Transition] += t.Read
	}
}

// Merge adds another run's counts.
func (c TransitionCoverage) Merge(o TransitionCoverage) {
	for t, n := range o.Applied {
		c.Applied[t] += n
	}
	for t, n := range o.Read {
		c.Read[t] += n
	}
}

// track follows, per certificate, the last state-changing operation the
// model accepted for it (a delete refused because the certificate is active
// counts as applied and changes nothing), and the transitions awaiting the
// check after their step.
type track struct {
	last    map[string]model.Op
	pending []Transition
}

// applied is what a step did to the sequence's own certificates: own are
// its ids before the step, o the model's verdict.
func (tr *track) applied(c TransitionCoverage, req model.Request, own []string, newID string, o model.Outcome) {
	if tr.last == nil {
		tr.last = map[string]model.Op{}
	}
	ok := o.Want.Status == 200
	refusedActive := req.Op == model.Delete && o.Want.Error != nil && o.Want.Error.Code != nil && *o.Want.Error.Code == model.CodeCertificateActive
	if !ok && !refusedActive {
		return
	}
	var ids []string
	switch req.Op {
	case model.Upload:
		if newID != "" {
			tr.last[newID] = model.Upload
		}
		return
	case model.Modify, model.Delete:
		ids = []string{req.CertificateID}
	case model.ActivateOrganization, model.DeactivateOrganization, model.ActivateProject, model.DeactivateProject:
		ids = slices.Compact(slices.Sorted(slices.Values(req.IDs)))
	default:
		return
	}
	for _, id := range ids {
		prev, known := tr.last[id]
		if !slices.Contains(own, id) || !known {
			continue
		}
		t := Transition{prev, req.Op}
		c.Applied[t]++
		tr.pending = append(tr.pending, t)
		if ok {
			tr.last[id] = req.Op
		}
		if req.Op == model.Delete && ok {
			delete(tr.last, id)
		}
	}
}

// read marks the pending transitions as read after: the check after their
// step read every list.
func (tr *track) read(c TransitionCoverage) {
	for _, t := range tr.pending {
		c.Read[t]++
	}
	tr.pending = nil
}
