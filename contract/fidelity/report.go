package fidelity

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Format is an output format of a report. The formats, and the writers
// below, follow openapi/drift's report on purpose, so that both reports read
// alike in a job summary; the nested module drift and this one do not depend
// on each other (see AllowList).
type Format string

const (
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
	FormatJSON     Format = "json"
)

// Report is a replay judged against an allow-list, grouped by operation.
type Report struct {
	Recording   string            `json:"recording"`
	Target      string            `json:"target"`
	RecordedRun string            `json:"recordedRun,omitempty"`
	ReplayRun   string            `json:"replayRun,omitempty"`
	Replayed    int               `json:"replayed"`
	Diverging   int               `json:"diverging"` // divergences no allow-list entry expects
	Allowed     int               `json:"allowed"`   // divergences an entry expects
	Operations  []OperationReport `json:"operations"`
	Skipped     []Exchange        `json:"skipped"`
	// Reasons are the allow-list entries that matched, with their reasons.
	Reasons map[string]string `json:"reasons,omitempty"`
	// Stale are allow-list entries that matched nothing.
	Stale []AllowEntry `json:"stale,omitempty"`
	// Partial counts list answers compared without some of their items.
	Partial int `json:"partial"`
	// Findings are what differs everywhere; Groups every divergence by
	// operation, field and check (see aggregate.go).
	Findings []Finding `json:"findings"`
	Groups   []Group   `json:"groups"`
	// Verbose makes the text and Markdown reports list every divergence of
	// every exchange after the groups, as the JSON report always does.
	Verbose bool `json:"-"`
	// replayed are every replayed exchange by operation, for Group.Of.
	replayed map[string][]Exchange
}

// OperationReport is what the replay showed for one operation: how many of
// its exchanges were replayed, and those that diverged.
type OperationReport struct {
	Operation string     `json:"operation"`
	Replayed  int        `json:"replayed"`
	Exchanges []Exchange `json:"exchanges"`
}

// NewReport judges res; allow may be nil.
func NewReport(recording string, res *Result, allow *AllowList) *Report {
	r := &Report{Recording: recording, Target: res.Target, RecordedRun: res.RecordedRun, ReplayRun: res.ReplayRun,
		Operations: []OperationReport{}, Skipped: []Exchange{}, Reasons: map[string]string{}, replayed: map[string][]Exchange{}}
	if allow == nil {
		allow = &AllowList{}
	}
	used := make([]bool, len(allow.Entries))
	byOp := map[string]*OperationReport{}
	for _, x := range res.Exchanges {
		if x.Skipped != "" {
			r.Skipped = append(r.Skipped, x)
			continue
		}
		r.Replayed++
		r.replayed[x.Operation] = append(r.replayed[x.Operation], x)
		if len(x.Notes) > 0 {
			r.Partial++
		}
		op := byOp[x.Operation]
		if op == nil {
			op = &OperationReport{Operation: x.Operation, Exchanges: []Exchange{}}
			byOp[x.Operation] = op
		}
		op.Replayed++
		if len(x.Divergences) == 0 {
			continue
		}
		x.Divergences = slices.Clone(x.Divergences)
		for i := range x.Divergences {
			d := &x.Divergences[i]
			for k := range allow.Entries {
				if allow.Entries[k].matches(x.Operation, *d) {
					d.AllowedBy, used[k] = allow.Entries[k].Name, true
					r.Reasons[d.AllowedBy] = allow.Entries[k].Reason
					break
				}
			}
			if d.AllowedBy == "" {
				r.Diverging++
			} else {
				r.Allowed++
			}
		}
		op.Exchanges = append(op.Exchanges, x)
	}
	for k, e := range allow.Entries {
		if !used[k] {
			r.Stale = append(r.Stale, e)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(byOp)) {
		r.Operations = append(r.Operations, *byOp[name])
	}
	r.group()
	return r
}

// OK reports whether the replay matched the recording: no divergence that
// the allow-list does not expect, and no stale allow-list entry.
func (r *Report) OK() bool { return r.Diverging == 0 && len(r.Stale) == 0 }

// Summary is the report's one line.
func (r *Report) Summary() string {
	tail := fmt.Sprintf("%d exchanges replayed against %s", r.Replayed, r.Target)
	var extra []string
	if r.Allowed > 0 {
		extra = append(extra, plural(r.Allowed, "divergence", "divergences")+" allowed")
	}
	if len(r.Skipped) > 0 {
		extra = append(extra, fmt.Sprintf("%d skipped", len(r.Skipped)))
	}
	if len(extra) > 0 {
		tail += " (" + strings.Join(extra, ", ") + ")"
	}
	if r.OK() {
		return "OK: no divergence; " + tail + "."
	}
	var parts []string
	if r.Diverging > 0 {
		ops, exchanges := 0, 0
		for _, o := range r.Operations {
			n := 0
			for _, x := range o.Exchanges {
				if x.diverges() {
					n++
				}
			}
			if n > 0 {
				ops++
				exchanges += n
			}
		}
		parts = append(parts, fmt.Sprintf("%s in %s of %s", plural(r.Diverging, "divergence", "divergences"),
			plural(exchanges, "exchange", "exchanges"), plural(ops, "operation", "operations")))
	}
	if len(r.Stale) > 0 {
		parts = append(parts, plural(len(r.Stale), "stale allow-list entry", "stale allow-list entries"))
	}
	return "FAIL: " + strings.Join(parts, ", ") + "; " + tail + "."
}

// diverges reports whether x has a divergence no allow-list entry expects.
func (x Exchange) diverges() bool {
	return slices.ContainsFunc(x.Divergences, func(d Divergence) bool { return d.AllowedBy == "" })
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Write renders the report in the given format.
func (r *Report) Write(w io.Writer, f Format) error {
	switch f {
	case FormatText:
		return r.writeText(w)
	case FormatMarkdown:
		return r.writeMarkdown(w)
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			OK      bool   `json:"ok"`
			Summary string `json:"summary"`
			*Report
		}{r.OK(), r.Summary(), r})
	default:
		return fmt.Errorf("unknown format %q (want text, markdown or json)", f)
	}
}

const howToRead = "Each divergence is a recorded answer the replay did not repeat. Ids and request ids are compared " +
	"by role (the same certificate, present), created_at by meaning (whole seconds, within 5 s of its own " +
	"side's exchange for an upload, never after it otherwise), not by value; " +
	"names carry the replay's run id in place of the recording's."

func (x Exchange) title() string {
	return fmt.Sprintf("entry %d (process %d, #%d) %s %s", x.Entry, x.Process, x.Sequence, x.Method, x.Path)
}

// follows says which earlier divergence may have caused this one.
func (x Exchange) follows() string {
	if x.Follows == 0 {
		return ""
	}
	return fmt.Sprintf("after the divergence at entry %d in this organization", x.Follows)
}

func (d Divergence) line() string {
	what := string(d.Check)
	if d.Field != "" {
		what += " " + d.Field
	}
	s := fmt.Sprintf("%s: recorded %s, replayed %s", what, d.Recorded, d.Replayed)
	if d.AllowedBy != "" {
		s += " [allowed: " + d.AllowedBy + "]"
	}
	return s
}

func (r *Report) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Fidelity: %s replayed against %s\n", r.Recording, r.Target)
	fmt.Fprintf(&b, "%s\n", r.Summary())
	if len(r.Findings) > 0 {
		fmt.Fprintf(&b, "\nWhat differs everywhere: in every answer that has the field, of each operation named (%d)\n", len(r.Findings))
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "  %s: %s, %s in %s\n", what(f.Field, f.Check), plural(f.Count, "divergence", "divergences"),
				plural(f.Exchanges, "exchange", "exchanges"), plural(len(f.Operations), "operation", "operations"))
			fmt.Fprintf(&b, "    %s\n    e.g. %s\n", strings.Join(f.Operations, ", "), f.Example.line())
			if f.SwappedWith != "" {
				fmt.Fprintf(&b, "    swapped with %s: each answers the other's recorded value\n", f.SwappedWith)
			}
		}
	}
	width := 0
	for _, o := range r.Operations {
		width = max(width, len(o.Operation))
	}
	b.WriteString("\n")
	for _, o := range r.Operations {
		fmt.Fprintf(&b, "  %-*s  %4d replayed, %d diverge\n", width, o.Operation, o.Replayed, len(o.Exchanges))
	}
	fmt.Fprintf(&b, "\n%s\n", howToRead)
	if len(r.Groups) > 0 {
		fmt.Fprintf(&b, "\nDivergences by operation, field and check (%d groups, the first %d examples of each)\n", len(r.Groups), examplesPerGroup)
		for _, g := range r.Groups {
			fmt.Fprintf(&b, "  %s %s: %s\n", g.Operation, what(g.Field, g.Check), g.counts())
			for _, e := range g.Examples {
				fmt.Fprintf(&b, "    %s\n", e.line())
			}
		}
	}
	if r.Verbose {
		r.writeExchanges(&b)
	}
	r.writeTail(&b, "\n%s (%d)\n", "  %s\n")
	if len(r.Groups) > 0 && !r.Verbose {
		b.WriteString("\nEvery divergence of every exchange, with both answers: -verbose, or -format json.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// counts says how much of a group there is.
func (g Group) counts() string {
	s := fmt.Sprintf("%s in %d of %d exchanges", plural(g.Count, "divergence", "divergences"), g.Exchanges, g.Of)
	if g.Everywhere {
		s += " (everywhere)"
	}
	if g.AllowedBy != "" {
		s += " [allowed: " + g.AllowedBy + "]"
	}
	return s
}

// writeExchanges lists every diverging exchange with its divergences and
// both answers.
func (r *Report) writeExchanges(b *strings.Builder) {
	for _, o := range r.Operations {
		if len(o.Exchanges) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s\n", o.Operation)
		for _, x := range o.Exchanges {
			fmt.Fprintf(b, "  %s\n", x.title())
			if f := x.follows(); f != "" {
				fmt.Fprintf(b, "    (%s)\n", f)
			}
			for _, d := range x.Divergences {
				fmt.Fprintf(b, "    - %s\n", d.line())
			}
			fmt.Fprintf(b, "    recorded: %d %s\n", x.Recorded.Status, x.Recorded.Body)
			fmt.Fprintf(b, "    replayed: %d %s\n", x.Replayed.Status, x.Replayed.Body)
			for _, n := range x.Notes {
				fmt.Fprintf(b, "    not compared: %s\n", n)
			}
		}
	}
}

// skippedShown is how many exchanges not replayed a report without Verbose
// lists.
const skippedShown = 10

// writeTail writes what both text formats end with: the allow-list entries
// that matched, stale ones, partial lists and skipped exchanges.
func (r *Report) writeTail(b *strings.Builder, heading, item string) {
	if len(r.Reasons) > 0 {
		fmt.Fprintf(b, heading, "Allowed by the allow-list", len(r.Reasons))
		for _, name := range slices.Sorted(maps.Keys(r.Reasons)) {
			fmt.Fprintf(b, item, name+": "+strings.Join(strings.Fields(r.Reasons[name]), " "))
		}
	}
	if len(r.Stale) > 0 {
		fmt.Fprintf(b, heading, "Stale allow-list entries: they matched no divergence; remove them, or find out why the divergence went away", len(r.Stale))
		for _, e := range r.Stale {
			fmt.Fprintf(b, item, fmt.Sprintf("%s (checks: %v)", e.Name, e.Checks))
		}
	}
	if r.Partial > 0 {
		fmt.Fprintf(b, heading, "List answers compared without some of their items: certificates the recording did not create, or that another process changed at the same moment", r.Partial)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(b, heading, "Not replayed", len(r.Skipped))
		for i, x := range r.Skipped {
			// A live recording skips every request about the organization's
			// other certificates: the first few say why, the rest is detail.
			if i == skippedShown && !r.Verbose {
				fmt.Fprintf(b, item, fmt.Sprintf("and %d more (-verbose, or -format json, lists them)", len(r.Skipped)-i))
				break
			}
			fmt.Fprintf(b, item, fmt.Sprintf("entry %d %s %s (%s): %s", x.Entry, x.Method, x.Path, x.Operation, x.Skipped))
		}
	}
}

func (r *Report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Fidelity: `%s` replayed against %s\n\n**%s**\n", r.Recording, r.Target, r.Summary())
	if len(r.Findings) > 0 {
		b.WriteString("\n### What differs everywhere\n\nIn every answer that has the field, of each operation named:\n\n")
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "- **%s**: %s, %s in %s (%s); e.g. %s\n", cell(what(f.Field, f.Check)),
				plural(f.Count, "divergence", "divergences"), plural(f.Exchanges, "exchange", "exchanges"),
				plural(len(f.Operations), "operation", "operations"), cell(strings.Join(f.Operations, ", ")), code(f.Example.line()))
			if f.SwappedWith != "" {
				fmt.Fprintf(&b, "  swapped with **%s**: each answers the other's recorded value\n", cell(f.SwappedWith))
			}
		}
	}
	if len(r.Operations) > 0 {
		b.WriteString("\n| operation | replayed | diverge |\n| --- | ---: | ---: |\n")
		for _, o := range r.Operations {
			fmt.Fprintf(&b, "| `%s` | %d | %d |\n", o.Operation, o.Replayed, len(o.Exchanges))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", howToRead)
	if len(r.Groups) > 0 {
		fmt.Fprintf(&b, "\n### Divergences by operation, field and check\n\n| operation | field | check | divergences | exchanges | first examples |\n| --- | --- | --- | ---: | ---: | --- |\n")
		for _, g := range r.Groups {
			var ex []string
			for _, e := range g.Examples {
				ex = append(ex, code(e.line()))
			}
			check := string(g.Check)
			if g.AllowedBy != "" {
				check += " (allowed: " + g.AllowedBy + ")"
			}
			of := fmt.Sprintf("%d of %d", g.Exchanges, g.Of)
			if g.Everywhere {
				of += " (everywhere)"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %d | %s | %s |\n", g.Operation, code(g.Field), check, g.Count, of, strings.Join(ex, "<br>"))
		}
	}
	if r.Verbose {
		var detail strings.Builder
		r.writeExchanges(&detail)
		fmt.Fprintf(&b, "\n<details><summary>Every divergence of every exchange</summary>\n\n```%s```\n\n</details>\n", detail.String())
	}
	r.writeTail(&b, "\n### %s (%d)\n\n", "- %s\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(cell(s), "`", "'") + "`"
}
