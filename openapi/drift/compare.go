package drift

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
)

// Tag marks the operations the fragment covers, upstream and here.
const Tag = "Certificates"

// Group says how a difference matters.
type Group string

const (
	// GroupChanged: upstream differs in a way that breaks or changes the
	// client generated from the fragment (removed or renamed operations,
	// parameters, fields, types, enum values, required lists, responses).
	GroupChanged Group = "changed"
	// GroupMissing: upstream has something the fragment lacks.
	GroupMissing Group = "missing"
	// GroupExpected: a deliberate difference named by the allow-list.
	GroupExpected Group = "expected"
)

// Finding is one difference between the fragment and upstream. Text reads as
// a change from the fragment to upstream: "added" means upstream has it and
// the fragment does not, "removed" the other way round.
type Finding struct {
	Group       Group  `json:"group"`
	Severity    string `json:"severity"`
	Check       string `json:"check"`
	Operation   string `json:"operation,omitempty"`
	OperationID string `json:"operation_id,omitempty"`
	Text        string `json:"text"`
	Entry       string `json:"allowed_by,omitempty"`

	// Args are the check's arguments, which allow-list entries match.
	Args []string `json:"args"`
}

// Report is the outcome of one comparison.
type Report struct {
	Upstream string    `json:"upstream"`
	Fragment string    `json:"fragment"`
	Findings []Finding `json:"findings"`
	// Stale lists allow-list entries that matched no difference: the
	// enrichment is gone or upstream adopted it, and the entry must go.
	Stale []Entry `json:"stale_entries"`
	// Reasons maps each allow-list entry name that matched to its reason.
	Reasons map[string]string `json:"reasons"`

	// order holds the allow-list's entry names, the order reports use.
	order []string
}

// OK tells whether every difference is expected and every allow-list entry
// still matches one.
func (r *Report) OK() bool {
	return len(r.In(GroupChanged)) == 0 && len(r.In(GroupMissing)) == 0 && len(r.Stale) == 0
}

// In returns the findings of one group.
func (r *Report) In(g Group) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Group == g {
			out = append(out, f)
		}
	}
	return out
}

// Compare cuts the Certificates operations out of upstream, normalises both
// documents and reports every difference oasdiff finds between them, with the
// fragment as the base and upstream as the revision: what a client generated
// from the fragment meets when it talks to the API upstream describes.
// upstreamName and fragmentName only label the report. Both documents are
// modified (see Normalize).
func Compare(upstream, fragment *openapi3.T, allow *AllowList, upstreamName, fragmentName string) (*Report, error) {
	up, err := Cut(upstream, Tag)
	if err != nil {
		return nil, fmt.Errorf("upstream: %w", err)
	}
	ours, err := Cut(fragment, Tag)
	if err != nil {
		return nil, fmt.Errorf("fragment: %w", err)
	}
	Normalize(up)
	Normalize(ours)
	// info describes each document, not the API: the fragment has its own
	// title and version.
	up.Info = ours.Info

	cfg := diff.NewConfig(diff.WithExcludeElements([]string{
		diff.ExcludeDescriptionOption,
		diff.ExcludeSummaryOption,
		diff.ExcludeExamplesOption,
		diff.ExcludeExtensionsOption,
		diff.ExcludeTitleOption,
	}))
	d, err := diff.Get(cfg, ours, up)
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	sources := diff.OperationsSourcesMap{}
	changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, &sources, checker.INFO)

	report := &Report{Upstream: upstreamName, Fragment: fragmentName, Findings: []Finding{}, Stale: []Entry{}, Reasons: map[string]string{}}
	loc := checker.NewDefaultLocalizer()
	found := schemaNameChanges(ours, up)
	for _, c := range changes {
		f := Finding{
			Severity:    severity(c.GetLevel()),
			Check:       c.GetId(),
			OperationID: c.GetOperationId(),
			Text:        c.GetUncolorizedText(loc),
		}
		if c.GetOperation() != "" {
			f.Operation = c.GetOperation() + " " + c.GetPath()
		}
		f.Args = make([]string, len(c.GetArgs()))
		for i, a := range c.GetArgs() {
			f.Args[i] = fmt.Sprint(a)
		}
		found = append(found, f)
	}
	for _, f := range found {
		for i := range allow.Entries {
			if e := &allow.Entries[i]; e.matches(f.Check, f.Operation, f.Args) {
				f.Group, f.Entry = GroupExpected, e.Name
				report.Reasons[e.Name] = e.Reason
				break
			}
		}
		if f.Group == "" {
			f.Group = classify(f)
		}
		report.Findings = append(report.Findings, f)
	}
	for _, e := range allow.Entries {
		report.order = append(report.order, e.Name)
		if _, used := report.Reasons[e.Name]; !used {
			report.Stale = append(report.Stale, e)
		}
	}
	slices.SortStableFunc(report.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(severityRank[a.Severity], severityRank[b.Severity]), cmp.Compare(a.Text, b.Text))
	})
	return report, nil
}

var severityRank = map[string]int{"breaking": 0, "warning": 1, "info": 2}

func severity(l checker.Level) string {
	switch l {
	case checker.ERR:
		return "breaking"
	case checker.WARN:
		return "warning"
	default:
		return "info"
	}
}

// addOnly holds the checks that fire only when the revision (upstream) adds
// something, taken from oasdiff's own rule metadata.
var addOnly = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range checker.GetAllRules() {
		actions := r.Actions()
		adds := len(actions) > 0
		for _, a := range actions {
			adds = adds && (a == "add" || a == "set")
		}
		m[r.Id] = adds
	}
	return m
}()

// classify sorts an unexpected finding: whatever is breaking or a warning
// changes the client; a pure addition upstream is something the fragment
// lacks; any other difference changes what the client was built for.
func classify(f Finding) Group {
	if f.Severity == "info" && addOnly[f.Check] {
		return GroupMissing
	}
	return GroupChanged
}
