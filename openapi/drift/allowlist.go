package drift

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// AllowList is the reviewed list of deliberate differences between the
// fragment and upstream. A difference is expected only if an entry matches
// it; an entry that matches nothing is stale and also fails the check, so the
// list never outlives the differences it explains.
//
// contract/fidelity/allowlist.go repeats the loading and checking of entries
// on purpose: this module is kept apart so that oasdiff never enters the main
// module's go.mod, and neither module requires the other.
type AllowList struct {
	Entries []Entry `yaml:"entries" json:"entries"`
}

// Entry names one deliberate difference and says why it exists. It matches a
// reported change when the change's check is one of Checks, its operation is
// one of Operations (any operation when empty), and each of Args matches the
// change's argument at the same position.
type Entry struct {
	Name       string   `yaml:"name" json:"name"`
	Reason     string   `yaml:"reason" json:"reason"`
	Checks     []string `yaml:"checks" json:"checks"`
	Operations []string `yaml:"operations,omitempty" json:"operations,omitempty"`
	// Args are patterns: `*` stands for any text, `|` separates alternatives.
	Args []string `yaml:"args,omitempty" json:"args,omitempty"`

	args []*regexp.Regexp
}

// LoadAllowList reads and checks an allow-list file.
func LoadAllowList(path string) (*AllowList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	list, err := ParseAllowList(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return list, nil
}

// ParseAllowList reads an allow-list from YAML and checks every entry has a
// name, a reason and at least one check, and that names are unique. Unknown
// keys are refused so that a misspelt key cannot widen an entry.
func ParseAllowList(data []byte) (*AllowList, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var list AllowList
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("parse allow-list: %w", err)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range list.Entries {
		e := &list.Entries[i]
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
		for _, a := range e.Args {
			e.args = append(e.args, compilePattern(a))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &list, nil
}

// Without returns a copy of the list lacking the named entry.
func (l *AllowList) Without(name string) *AllowList {
	out := &AllowList{}
	for _, e := range l.Entries {
		if e.Name != name {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

func compilePattern(p string) *regexp.Regexp {
	alts := strings.Split(p, "|")
	for i, a := range alts {
		alts[i] = strings.ReplaceAll(regexp.QuoteMeta(a), `\*`, `.*`)
	}
	return regexp.MustCompile(`^(?:` + strings.Join(alts, "|") + `)$`)
}

func (e *Entry) matches(check, operation string, args []string) bool {
	if !slices.Contains(e.Checks, check) {
		return false
	}
	if len(e.Operations) > 0 && !slices.Contains(e.Operations, operation) {
		return false
	}
	if len(e.args) > len(args) {
		return false
	}
	for i, re := range e.args {
		if !re.MatchString(args[i]) {
			return false
		}
	}
	return true
}
