package completeness

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Exceptions are what the fragment declares and the project deliberately
// does not follow, each with its reason, in the style of the other
// allow-lists: an entry that excuses nothing is stale and fails.
type Exceptions struct {
	Entries []Exception `yaml:"exceptions"`
}

// Exception excuses the finding of Guard named Name.
type Exception struct {
	Guard  string `yaml:"guard"`
	Name   string `yaml:"name"`
	Reason string `yaml:"reason"`
}

//go:embed exceptions.yaml
var exceptionsYAML []byte

// ProjectExceptions are the project's exceptions, from ExceptionsFile.
func ProjectExceptions() (Exceptions, error) { return ParseExceptions(exceptionsYAML) }

// ParseExceptions reads an exceptions file. Every entry needs a known
// guard, a name and a reason, once; unknown keys are refused, so that a
// misspelt key cannot widen an entry.
func ParseExceptions(data []byte) (Exceptions, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var ex Exceptions
	if err := dec.Decode(&ex); err != nil && !errors.Is(err, io.EOF) {
		return ex, fmt.Errorf("%s: %w", ExceptionsFile, err)
	}
	var errs []error
	seen := map[Exception]bool{}
	for i, e := range ex.Entries {
		switch {
		case !slices.Contains([]string{GuardResponses, GuardChecks, GuardInputs, GuardEnums}, e.Guard):
			errs = append(errs, fmt.Errorf("%s: entry %d: guard %q: want responses, checks, inputs or enums", ExceptionsFile, i+1, e.Guard))
		case e.Name == "":
			errs = append(errs, fmt.Errorf("%s: entry %d: no name", ExceptionsFile, i+1))
		case e.Reason == "":
			errs = append(errs, fmt.Errorf("%s: %s %s: no reason", ExceptionsFile, e.Guard, e.Name))
		case seen[Exception{Guard: e.Guard, Name: e.Name}]:
			errs = append(errs, fmt.Errorf("%s: %s %s: listed twice", ExceptionsFile, e.Guard, e.Name))
		}
		seen[Exception{Guard: e.Guard, Name: e.Name}] = true
	}
	return ex, errors.Join(errs...)
}

// apply drops the findings an entry excuses and adds one for each entry
// that excuses none.
func (ex Exceptions) apply(findings []Finding) []Finding {
	used := make([]bool, len(ex.Entries))
	out := slices.DeleteFunc(findings, func(f Finding) bool {
		i := slices.IndexFunc(ex.Entries, func(e Exception) bool { return e.Guard == f.Guard && e.Name == f.Name })
		if i >= 0 {
			used[i] = true
		}
		return i >= 0
	})
	for i, e := range ex.Entries {
		if !used[i] {
			out = append(out, Finding{Guard: GuardExceptions, Name: e.Guard + " " + e.Name,
				Text: "listed in " + ExceptionsFile + ", but the " + e.Guard + " guard no longer finds it: remove the entry"})
		}
	}
	return out
}
