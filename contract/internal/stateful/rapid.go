package stateful

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rapidFlags is held from setRapidFlags to its restore: rapid takes its
// settings only from process-wide command-line flags, so this is the one
// place that sets them, and two runs in one process wait for each other
// rather than see each other's settings.
var rapidFlags sync.Mutex

// setRapidFlags sets rapid's flags for one run and returns a function that
// puts them back. Under `go test -short` rapid runs a fifth of its checks and
// half its steps; the run asks for that many more, so that -short changes
// nothing of what the stateful phase draws (the caller chose its size).
func setRapidFlags(seed uint64, checks, steps int, shrinkTime time.Duration) (restore func(), err error) {
	if testing.Short() {
		checks, steps = checks*5, steps*2
	}
	rapidFlags.Lock()
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
			err = fmt.Errorf("stateful: rapid has no flag %s", name)
		} else {
			old[name] = f.Value.String()
			if e := flag.Set(name, v); e != nil {
				err = fmt.Errorf("stateful: %s=%s: %w", name, v, e)
			}
		}
		if err != nil {
			break
		}
	}
	restore = func() {
		for name, v := range old {
			_ = flag.Set(name, v)
		}
		rapidFlags.Unlock()
	}
	if err != nil {
		restore()
		return nil, err
	}
	return restore, nil
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
