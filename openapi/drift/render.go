package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Format is an output format of a report. contract/fidelity's report has
// the same formats on purpose, so that both read alike in a job summary; the
// two modules do not depend on each other (see AllowList).
type Format string

const (
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
	FormatJSON     Format = "json"
)

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
		return enc.Encode(struct {
			OK bool `json:"ok"`
			*Report
		}{r.OK(), r})
	default:
		return fmt.Errorf("unknown format %q (want text, markdown or json)", f)
	}
}

const howToRead = "Each line reads as a change from our fragment to upstream: " +
	"\"added\" means upstream has it and the fragment does not, \"removed\" means the fragment has it and upstream does not, " +
	"\"changed from A to B\" means the fragment says A and upstream says B. " +
	"Severity is what the difference does to a client generated from the fragment: " +
	"breaking (calls can fail or decode wrongly), warning (may break), info (compatible)."

var groupTitles = []struct {
	group Group
	title string
}{
	{GroupChanged, "Upstream differs in ways that break or change our client"},
	{GroupMissing, "Upstream has things our fragment lacks"},
	{GroupExpected, "Expected: our deliberate enrichments, listed in the allow-list"},
}

func (r *Report) summary() string {
	changed, missing := len(r.In(GroupChanged)), len(r.In(GroupMissing))
	expected := len(r.In(GroupExpected))
	if r.OK() {
		return fmt.Sprintf("OK: the fragment differs from upstream only as the allow-list says (%d expected differences).", expected)
	}
	parts := []string{}
	if changed > 0 {
		parts = append(parts, fmt.Sprintf("%d that break or change the client", changed))
	}
	if missing > 0 {
		parts = append(parts, fmt.Sprintf("%d new upstream", missing))
	}
	if len(r.Stale) > 0 {
		stale := fmt.Sprintf("%d allow-list entries that no longer match", len(r.Stale))
		if len(r.Stale) == 1 {
			stale = "1 allow-list entry that no longer matches"
		}
		parts = append(parts, stale)
	}
	return fmt.Sprintf("FAIL: %d unexpected (%s); %d expected.", changed+missing+len(r.Stale), strings.Join(parts, ", "), expected)
}

// operationLabel gives a document-wide finding, which has no operation, a
// label the reports can still show in the operation's place.
func operationLabel(f Finding) string {
	if f.Operation == "" {
		return "whole document"
	}
	return f.Operation
}

// byOperation groups findings by operation, keeping their order; findings
// about the document as a whole come first under "whole document".
func byOperation(fs []Finding) (keys []string, groups map[string][]Finding) {
	groups = map[string][]Finding{}
	for _, f := range fs {
		k := operationLabel(f)
		if f.Operation != "" && f.OperationID != "" {
			k += " (" + f.OperationID + ")"
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], f)
	}
	return keys, groups
}

// expectedByEntry counts the expected findings and the operations they are
// on per allow-list entry, and names the entries that matched in allow-list
// order.
func (r *Report) expectedByEntry(fs []Finding) (names []string, count map[string]int, ops map[string]map[string]bool) {
	count, ops = map[string]int{}, map[string]map[string]bool{}
	for _, f := range fs {
		if ops[f.Entry] == nil {
			ops[f.Entry] = map[string]bool{}
		}
		count[f.Entry]++
		if f.Operation != "" {
			ops[f.Entry][f.Operation] = true
		}
	}
	for _, n := range r.order {
		if count[n] > 0 {
			names = append(names, n)
		}
	}
	return names, count, ops
}

func (r *Report) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Spec drift: %s against the Certificates operations of %s\n", r.Fragment, r.Upstream)
	fmt.Fprintf(&b, "%s\n\n", r.summary())
	fmt.Fprintf(&b, "%s\n", wrap(howToRead, 78, ""))
	for i, g := range groupTitles[:2] {
		fs := r.In(g.group)
		fmt.Fprintf(&b, "\n%d. %s (%d)\n", i+1, g.title, len(fs))
		if len(fs) == 0 {
			b.WriteString("   none\n")
		}
		keys, groups := byOperation(fs)
		for _, k := range keys {
			fmt.Fprintf(&b, "   %s\n", k)
			for _, f := range groups[k] {
				fmt.Fprintf(&b, "%s\n", wrap(fmt.Sprintf("[%s] %s (%s)", f.Severity, f.Text, f.Check), 78, "     - "))
			}
		}
	}
	fs := r.In(GroupExpected)
	fmt.Fprintf(&b, "\n3. %s (%d)\n", groupTitles[2].title, len(fs))
	names, count, ops := r.expectedByEntry(fs)
	for _, n := range names {
		fmt.Fprintf(&b, "   %s: %s\n", n, spread(count[n], len(ops[n])))
		fmt.Fprintf(&b, "%s\n", wrap("why: "+r.Reasons[n], 78, "     "))
	}
	if len(names) == 0 {
		b.WriteString("   none\n")
	}
	if len(r.Stale) > 0 {
		fmt.Fprintf(&b, "\n4. Allow-list entries that matched no difference (%d): remove them, or find out why the difference went away\n", len(r.Stale))
		for _, e := range r.Stale {
			fmt.Fprintf(&b, "   %s (checks: %s)\n", e.Name, strings.Join(e.Checks, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Spec drift: `%s` against upstream `%s`\n\n", r.Fragment, r.Upstream)
	fmt.Fprintf(&b, "**%s**\n\n", r.summary())
	fmt.Fprintf(&b, "%s\n", howToRead)
	for i, g := range groupTitles[:2] {
		fs := r.In(g.group)
		fmt.Fprintf(&b, "\n### %d. %s (%d)\n\n", i+1, g.title, len(fs))
		if len(fs) == 0 {
			b.WriteString("none\n")
			continue
		}
		b.WriteString("| operation | severity | difference | check |\n| --- | --- | --- | --- |\n")
		for _, f := range fs {
			fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` |\n", operationLabel(f), f.Severity, mdCell(f.Text), f.Check)
		}
	}
	fs := r.In(GroupExpected)
	fmt.Fprintf(&b, "\n### 3. %s (%d)\n\n", groupTitles[2].title, len(fs))
	names, count, ops := r.expectedByEntry(fs)
	if len(names) == 0 {
		b.WriteString("none\n")
	} else {
		b.WriteString("| allow-list entry | differences | why |\n| --- | --- | --- |\n")
		for _, n := range names {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", n, spread(count[n], len(ops[n])), mdCell(r.Reasons[n]))
		}
		b.WriteString("\n<details><summary>Every expected difference</summary>\n\n")
		for _, f := range fs {
			fmt.Fprintf(&b, "- `%s`: %s (`%s`)\n", operationLabel(f), f.Text, f.Entry)
		}
		b.WriteString("\n</details>\n")
	}
	if len(r.Stale) > 0 {
		fmt.Fprintf(&b, "\n### 4. Allow-list entries that matched no difference (%d)\n\nRemove them, or find out why the difference went away.\n\n", len(r.Stale))
		for _, e := range r.Stale {
			fmt.Fprintf(&b, "- `%s` (checks: %s)\n", e.Name, strings.Join(e.Checks, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// spread says how many differences an entry covers and where.
func spread(differences, operations int) string {
	s := plural(differences, "difference")
	if operations == 0 {
		return s + ", document-wide"
	}
	return s + " on " + plural(operations, "operation")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// mdCell keeps text inside one Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}

// wrap breaks s into lines of at most width characters, the first starting
// with prefix and the others indented as deep.
func wrap(s string, width int, prefix string) string {
	indent := strings.Repeat(" ", len(prefix))
	var b strings.Builder
	line, empty := prefix, true
	for _, word := range strings.Fields(s) {
		if !empty && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line)
	return b.String()
}
