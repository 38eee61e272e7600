package suite

import (
	"regexp"
	"testing"
)

func TestNamesOwnOnlyTheirRunsCertificates(t *testing.T) {
	run, other := Names{Run: NewRunID()}, Names{Run: NewRunID()}
	if run == other {
		t.Fatalf("two runs share the id %s", run.Run)
	}
	if !regexp.MustCompile(`^cc[0-9a-f]{8}$`).MatchString(run.Run) {
		t.Fatalf("run id %q", run.Run)
	}
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name string
		cert *string
		want bool
	}{
		{"its own", str(run.Cert("upload")), true},
		{"another run's", str(other.Cert("upload")), false},
		{"someone else's", str("prod-ca-2026"), false},
		{"one without a name", nil, false},
		{"one named like the prefix without its dash", str("contract-" + run.Run), false},
	} {
		if got := run.Owns(tc.cert); got != tc.want {
			t.Errorf("%s: Owns() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
