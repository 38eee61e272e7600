package stateful

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// rapid takes its settings from command-line flags only; setRapidFlags sets
// them for one run and returns a function that puts them back. Two runs must
// not overlap in one process.
func setRapidFlags(seed uint64, checks, steps int, shrinkTime time.Duration) (restore func(), err error) {
	settings := map[string]string{
		"rapid.seed":   strconv.FormatUint(seed, 10),
		"rapid.checks": strconv.Itoa(checks),
		"rapid.steps":  strconv.Itoa(steps),
		// A fail file would land in the package's testdata; the seed and
		// the printed sequence are the reproduction.
		"rapid.nofailfile": "true",
	}
	if shrinkTime > 0 {
		settings["rapid.shrinktime"] = shrinkTime.String()
	}
	old := map[string]string{}
	for name, v := range settings {
		f := flag.Lookup(name)
		if f == nil {
			return nil, fmt.Errorf("stateful: rapid has no flag %s", name)
		}
		old[name] = f.Value.String()
		if err := flag.Set(name, v); err != nil {
			return nil, fmt.Errorf("stateful: %s=%s: %w", name, v, err)
		}
	}
	return func() {
		for name, v := range old {
			_ = flag.Set(name, v)
		}
	}, nil
}

// errFailNow stops rapid.Check once it has said everything: the outcome is
// read from the recorder instead of failing a test.
var errFailNow = errors.New("stateful: rapid failed the check")

// recorder is the testing.TB rapid reports to.
type recorder struct {
	failed bool
	errors []string
}

func (r *recorder) Helper()                       {}
func (r *recorder) Name() string                  { return "stateful" }
func (r *recorder) Logf(string, ...any)           {}
func (r *recorder) Log(...any)                    {}
func (r *recorder) Skipf(format string, a ...any) { r.Errorf("skipped: "+format, a...) }
func (r *recorder) Skip(a ...any)                 { r.Error(append([]any{"skipped:"}, a...)...) }
func (r *recorder) SkipNow()                      { r.Error("skipped") }
func (r *recorder) Errorf(format string, a ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Error(a ...any)                 { r.Errorf("%s", fmt.Sprint(a...)) }
func (r *recorder) Fatalf(format string, a ...any) { r.Errorf(format, a...); r.FailNow() }
func (r *recorder) Fatal(a ...any)                 { r.Error(a...); r.FailNow() }
func (r *recorder) FailNow()                       { r.failed = true; panic(errFailNow) }
func (r *recorder) Fail()                          { r.failed = true }
func (r *recorder) Failed() bool                   { return r.failed }

var seedInMessage = regexp.MustCompile(`-rapid\.seed=(\d+)`)

// failingSeed is the seed rapid says replays the failure: with it as the
// base seed, the first sequence drawn is the failing one.
func (r *recorder) failingSeed() (uint64, bool) {
	m := seedInMessage.FindStringSubmatch(strings.Join(r.errors, "\n"))
	if m == nil {
		return 0, false
	}
	seed, err := strconv.ParseUint(m[1], 10, 64)
	return seed, err == nil
}
