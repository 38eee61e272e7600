package generated_test

import (
	"strings"
	"testing"
)

// go doc joins package comments in file name order; the project's own must
// come before the generator's one-line description.
func TestGoDocOpensWithTheProjectsWords(t *testing.T) {
	out := run(t, ".", nil, "go", "doc", ".")
	lines := strings.SplitN(out, "\n", 4)
	if len(lines) < 3 || !strings.HasPrefix(lines[2], "Package generated is a typed client for the Certificates operations") {
		t.Errorf("go doc opens with:\n%s", out[:min(len(out), 400)])
	}
}
