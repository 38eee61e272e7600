package fidelity

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// AllowList names divergences that are known and explained, in the style of
// openapi/drift/allowlist.yaml: every entry needs a reason, and an entry that
// matches nothing in a replay is stale and fails it, so the list never
// outlives the differences it explains.//
// The loading and checking of entries repeats openapi/drift/allowlist.go on
// purpose: drift is a nested module, kept apart so that oasdiff never enters
// this module's go.mod, and neither module requires the other; sharing these
// lines would take a third module or a dependency between the two. The lists
// also match different things: a divergence's fields here, a change's
// arguments there.
type AllowList struct {
	Entries []AllowEntry `yaml:"entries" json:"entries"`
}

// AllowEntry expects the divergences of one of Checks, at one of Operations
// (any when empty), in a field matching one of Fields (any when empty).
type AllowEntry struct {
	Name       string   `yaml:"name" json:"name"`
	Reason     string   `yaml:"reason" json:"reason"`
	Checks     []Check  `yaml:"checks" json:"checks"`
	Operations []string `yaml:"operations,omitempty" json:"operations,omitempty"`
	// Fields are patterns: `*` stands for any text, `|` separates alternatives.
	Fields []string `yaml:"fields,omitempty" json:"fields,omitempty"`

	fields []*regexp.Regexp
}

// LoadAllowList reads and checks an allow-list file.
func LoadAllowList(path string) (*AllowList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l, err := ParseAllowList(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// ParseAllowList reads an allow-list from YAML. Every entry needs a unique
// name, a reason and known checks; unknown keys are refused so that a
// misspelt key cannot widen an entry.
func ParseAllowList(data []byte) (*AllowList, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var l AllowList
	if err := dec.Decode(&l); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return nil, fmt.Errorf("parse allow-list: %w", err)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range l.Entries {
		e := &l.Entries[i]
		label := fmt.Sprintf("entry %d (%q)", i+1, e.Name)
		switch {
		case e.Name == "":
			errs = append(errs, fmt.Errorf("%s: no name", label))
		case seen[e.Name]:
			errs = append(errs, fmt.Errorf("%s: name used twice", label))
		}
		seen[e.Name] = true
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s: no reason", label))
		}
		if len(e.Checks) == 0 {
			errs = append(errs, fmt.Errorf("%s: no checks", label))
		}
		for _, c := range e.Checks {
			if !slices.Contains(checks, c) {
				errs = append(errs, fmt.Errorf("%s: unknown check %q (known: %v)", label, c, checks))
			}
		}
		for _, f := range e.Fields {
			e.fields = append(e.fields, compilePattern(f))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &l, nil
}

var checks = []Check{CheckStatus, CheckHeader, CheckError, CheckValue, CheckMissing, CheckExtra,
	CheckType, CheckID, CheckItems, CheckBody, CheckTimestamp, CheckNoResponse}

// compilePattern reads patterns as openapi/drift's allow-list does; that
// package sits in a nested module, out of this one's reach.
func compilePattern(p string) *regexp.Regexp {
	alts := strings.Split(p, "|")
	for i, a := range alts {
		alts[i] = strings.ReplaceAll(regexp.QuoteMeta(a), `\*`, `.*`)
	}
	return regexp.MustCompile(`^(?:` + strings.Join(alts, "|") + `)$`)
}

func (e *AllowEntry) matches(operation string, d Divergence) bool {
	if !slices.Contains(e.Checks, d.Check) {
		return false
	}
	if len(e.Operations) > 0 && !slices.Contains(e.Operations, operation) {
		return false
	}
	if len(e.fields) == 0 {
		return true
	}
	return slices.ContainsFunc(e.fields, func(re *regexp.Regexp) bool { return re.MatchString(d.Field) })
}
