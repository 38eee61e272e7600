package mutation

import (
	"os"
	"strings"
	"testing"
)

// The field × answer table of docs/suite.md names, for every cell, how its mutation
// breaks it; it must say what the mutations do.
func TestTheDocsTableShowsEveryFieldCell(t *testing.T) {
	readme, err := os.ReadFile("../../../docs/suite.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[Answer][]string{}
	for line := range strings.Lines(string(readme)) {
		cols := strings.Split(strings.TrimSpace(line), " | ")
		if len(cols) != len(Fields)+2 || !strings.HasPrefix(cols[0], "| `") {
			continue
		}
		rows[Answer(strings.Trim(cols[0], "| `"))] = cols[1 : len(cols)-1]
	}
	for _, a := range Answers {
		row, ok := rows[a]
		if !ok {
			t.Errorf("docs/suite.md's table has no row for %s", a)
			continue
		}
		for i, f := range Fields {
			want := "—"
			for _, c := range FieldCells() {
				if c.Answer == a && c.Field == f {
					want = c.Break
				}
			}
			if row[i] != want {
				t.Errorf("docs/suite.md: %s × %s says %q, the mutation is %q", a, f, row[i], want)
			}
		}
	}
}
