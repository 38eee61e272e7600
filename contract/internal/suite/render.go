package suite

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Markdown renders the matrix for reports/coverage.md: one row per
// operation, one column per status the fragment uses anywhere; a cell counts
// the specs that provoked the pair.
func (c Coverage) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Contract coverage: %s\n\n", c.Target)
	header, rows := c.grid("", "**MISSING**")
	writeMarkdownRow(&b, header)
	b.WriteString("|" + strings.Repeat(" --- |", len(header)) + "\n")
	for _, row := range rows {
		writeMarkdownRow(&b, row)
	}
	b.WriteString("\n✓ n: provoked and validated by n specs; blank: not documented for the operation.\n")
	c.writeNotes(&b, "**%d documented pairs were never observed.**\n")
	if c.Transitions != nil {
		fmt.Fprintf(&b, "\n```\n%s```\n", c.Transitions.Table())
	}
	return b.String()
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, cell := range cells {
		if cell == "" {
			b.WriteString(" |")
		} else {
			b.WriteString(" " + cell + " |")
		}
	}
	b.WriteString("\n")
}

// Table renders the same matrix for a terminal: padded columns, a dash where
// the fragment documents no such status.
func (c Coverage) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Contract coverage: %s\n\n", c.Target)
	header, rows := c.grid("-", "MISSING")
	// tabwriter counts runes, so the ✓ does not throw the columns off.
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, row := range append([][]string{header}, rows...) {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	_ = tw.Flush() // a strings.Builder does not fail
	b.WriteString("\n✓ n: provoked and validated by n specs; -: not documented for the operation.\n")
	c.writeNotes(&b, "%d documented pairs were never observed.\n")
	if c.Transitions != nil {
		b.WriteString("\n" + c.Transitions.Table())
	}
	return b.String()
}

// grid lays the matrix out as cells, header row first.
func (c Coverage) grid(undocumented, missing string) (header []string, rows [][]string) {
	var statuses []int
	for _, op := range c.Operations {
		for _, s := range op.Statuses {
			statuses = append(statuses, s.Status)
		}
	}
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)

	header = []string{"operation"}
	for _, s := range statuses {
		header = append(header, strconv.Itoa(s))
	}
	for _, op := range c.Operations {
		row := []string{op.Operation}
		for _, s := range statuses {
			i := slices.IndexFunc(op.Statuses, func(cell StatusCell) bool { return cell.Status == s })
			switch {
			case i < 0:
				row = append(row, undocumented)
			case op.Statuses[i].State == StateCovered:
				row = append(row, fmt.Sprintf("✓ %d", len(op.Statuses[i].Specs)))
			case op.Statuses[i].State == StateNotOnThis:
				row = append(row, "n/a")
			default:
				row = append(row, missing)
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

func (c Coverage) writeNotes(b *strings.Builder, missingFormat string) {
	if !c.FaultStatusesChecked {
		b.WriteString("n/a: 429 and 5xx can only be forced through the emulator's fault header, which this target does not honour; reported, not required.\n")
	}
	if c.Filtered {
		b.WriteString("Only part of the suite ran (a focus or a filter): missing pairs are reported, not required.\n")
	}
	if c.Interrupted {
		b.WriteString("The run was interrupted: missing pairs are reported, not required.\n")
	}
	if len(c.Missing) > 0 {
		b.WriteString("\n")
		fmt.Fprintf(b, missingFormat, len(c.Missing))
	}
}
