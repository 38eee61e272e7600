package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Fixtures are the organizations an emulator starts with, and returns to on
// Reset: each names its admin key, its projects and its certificates. A
// fixture file holds one in YAML or JSON (JSON is YAML); Export writes one
// organization's state in the same form, and it loads back to the same
// answers. Every field but admin_key may be left out:
//
//	organizations:                # one entry per admin key
//	  - admin_key: sk-admin-team  # accepted besides -keys; each key once
//	    projects: [proj_a, proj_b] # default: the emulator's projects
//	    project_keys:             # the data plane's keys, behind the mTLS gate
//	      sk-proj-web: proj_a
//	    certificates:             # at most 50, listed in upload order
//	      - id: cert_prod          # default: a new id; 1-128 of [A-Za-z0-9_-]
//	        name: prod-ca          # default: no name (null)
//	        created_at: 2025-01-31T12:00:00Z # RFC 3339 or Unix seconds; default: start time
//	        pem: |                 # one PEM CERTIFICATE block, checked as an upload is
//	          -----BEGIN CERTIFICATE-----
//	          ...
//	        # pem_file: certs/prod.pem  (instead of pem, relative to the file)
//	        # neither: a fresh self-signed CA made at start (package testcert)
//	        active:
//	          organization: true
//	          projects: [proj_a]   # projects of this organization
//
// An unknown field anywhere is refused, so a typo is never silently
// ignored. New fields are added as struct fields with a yaml and a json tag;
// the check of unknown fields follows the tags.
type Fixtures struct {
	Organizations []FixtureOrganization `yaml:"organizations" json:"organizations"`
}

// FixtureOrganization is one admin key's organization.
type FixtureOrganization struct {
	AdminKey     string               `yaml:"admin_key" json:"admin_key"`
	Projects     []string             `yaml:"projects,omitempty" json:"projects,omitempty"`
	Certificates []FixtureCertificate `yaml:"certificates,omitempty" json:"certificates,omitempty"`
	// ProjectKeys are project API keys of the data plane behind the mutual
	// TLS gate (docs/mtls.md), each mapped to one of the projects.
	ProjectKeys map[string]string `yaml:"project_keys,omitempty" json:"project_keys,omitempty"`
}

// projectKeys are the project keys of every organization of fx.
func (fx *Fixtures) projectKeys() []ProjectKey {
	if fx == nil {
		return nil
	}
	var keys []ProjectKey
	for _, fo := range fx.Organizations {
		for _, k := range slices.Sorted(maps.Keys(fo.ProjectKeys)) {
			keys = append(keys, ProjectKey{Key: k, AdminKey: fo.AdminKey, Project: fo.ProjectKeys[k]})
		}
	}
	return keys
}

// FixtureCertificate is one certificate of an organization, as uploaded and
// then activated.
type FixtureCertificate struct {
	// ID is its id; "": a new one, chosen at start and kept across resets.
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// Name is its name; nil: none (null).
	Name *string `yaml:"name,omitempty" json:"name,omitempty"`
	// CreatedAt is its upload time; nil: when the emulator starts.
	CreatedAt *Timestamp `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	// PEM is one PEM CERTIFICATE block, checked as an upload is.
	PEM string `yaml:"pem,omitempty" json:"pem,omitempty"`
	// PEMFile names a file holding the PEM, when PEM is empty: relative to
	// the fixture file for LoadFixtures, to the working directory for New.
	// With neither, a self-signed CA is made at start (package testcert).
	PEMFile string `yaml:"pem_file,omitempty" json:"pem_file,omitempty"`
	// Active is where it is active.
	Active FixtureActivation `yaml:"active,omitempty" json:"active,omitzero"`
}

// FixtureActivation is where a certificate is active.
type FixtureActivation struct {
	Organization bool     `yaml:"organization,omitempty" json:"organization,omitempty"`
	Projects     []string `yaml:"projects,omitempty" json:"projects,omitempty"`
}

// Timestamp is a fixture's created_at: whole seconds, read from RFC 3339 or
// from Unix seconds, written in RFC 3339 in UTC.
type Timestamp struct{ time.Time }

// UnmarshalYAML reads Unix seconds or an RFC 3339 time without a fraction
// of a second: the API answers whole seconds, so a fraction would be lost.
func (t *Timestamp) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		secs, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not Unix seconds", n.Value)
		}
		t.Time = time.Unix(secs, 0).UTC()
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("%q is neither RFC 3339 (2025-01-31T12:00:00Z) nor Unix seconds", n.Value)
	}
	if parsed.Nanosecond() != 0 {
		return fmt.Errorf("%q has a fraction of a second; created_at is whole seconds", n.Value)
	}
	t.Time = parsed
	return nil
}

// MarshalYAML writes RFC 3339 in UTC.
func (t Timestamp) MarshalYAML() (any, error) { return t.UTC().Format(time.RFC3339), nil }

// MarshalJSON writes RFC 3339 in UTC.
func (t Timestamp) MarshalJSON() ([]byte, error) { return json.Marshal(t.UTC().Format(time.RFC3339)) }

// FixtureError says which entry of a fixture, and which of its fields, is
// wrong: one line, such as
//
//	fixtures.yaml:12: organizations[0].certificates[2]: pem: The certificate has expired or expires within one day.
type FixtureError struct {
	File  string // "" when the fixtures did not come from a file
	Line  int    // 0 when unknown
	Entry string // such as organizations[0].certificates[2]; "" for the top level
	Field string // such as pem; "" for the entry as a whole
	Err   error
}

func (e *FixtureError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	for _, part := range []string{e.Entry, e.Field} {
		if part != "" {
			b.WriteString(part + ": ")
		}
	}
	// One line, whatever the cause says.
	b.WriteString(strings.Join(strings.Fields(e.Err.Error()), " "))
	return b.String()
}

func (e *FixtureError) Unwrap() error { return e.Err }

// LoadFixtures reads a fixture file, YAML or JSON, and the PEM files it
// names, relative to its own folder. It checks the file's shape (unknown
// fields, types, pem and pem_file together); New checks the rest
// (certificates, projects, keys) and refuses the whole of it if any entry is
// wrong.
func LoadFixtures(path string) (*Fixtures, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FixtureError{File: path, Err: err}
	}
	fx, err := ParseFixtures(data)
	if err != nil {
		var fe *FixtureError
		if errors.As(err, &fe) {
			fe.File = path
		}
		return nil, err
	}
	dir := filepath.Dir(path)
	for i := range fx.Organizations {
		for j := range fx.Organizations[i].Certificates {
			c := &fx.Organizations[i].Certificates[j]
			if c.PEMFile == "" {
				continue
			}
			name := c.PEMFile
			if !filepath.IsAbs(name) {
				name = filepath.Join(dir, name)
			}
			pem, err := os.ReadFile(name)
			if err != nil {
				return nil, &FixtureError{File: path, Entry: certificateEntry(i, j), Field: "pem_file", Err: err}
			}
			c.PEM, c.PEMFile = string(pem), name // the name stays, for errors about its content
		}
	}
	return fx, nil
}

// ParseFixtures reads fixtures from YAML or JSON. A pem_file is left for the
// caller to read (LoadFixtures does).
func ParseFixtures(data []byte) (*Fixtures, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &FixtureError{Err: fmt.Errorf("not YAML or JSON: %w", err)}
	}
	fx := &Fixtures{}
	if len(doc.Content) == 0 {
		return fx, nil
	}
	if err := checkNode(doc.Content[0], reflect.TypeFor[Fixtures](), ""); err != nil {
		return nil, err
	}
	if err := doc.Content[0].Decode(fx); err != nil {
		return nil, &FixtureError{Err: err}
	}
	for i, org := range fx.Organizations {
		for j, c := range org.Certificates {
			if c.PEM != "" && c.PEMFile != "" {
				return nil, &FixtureError{Entry: certificateEntry(i, j), Field: "pem_file", Err: errors.New("give pem or pem_file, not both")}
			}
		}
	}
	return fx, nil
}

// checkNode refuses a mapping key that t has no field for, and a value
// that does not decode into its field's type, naming the entry and field.
// It follows t's yaml tags, so a field added to the fixture types is known
// here at once.
func checkNode(n *yaml.Node, t reflect.Type, entry string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch {
	case t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()):
		return nil // a scalar type of its own, checked where it is decoded
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return &FixtureError{Line: n.Line, Entry: entry, Err: fmt.Errorf("want a mapping, not %s", n.Tag)}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			f, ok := fieldByTag(t, key.Value)
			if !ok {
				return &FixtureError{Line: key.Line, Entry: entry, Field: key.Value, Err: fmt.Errorf("unknown field (known: %s)", strings.Join(tags(t), ", "))}
			}
			ft := f.Type
			if ft.Kind() == reflect.Slice || ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
				if err := checkNode(value, ft, join(entry, key.Value)); err != nil {
					return err
				}
				continue
			}
			if err := value.Decode(reflect.New(ft).Interface()); err != nil {
				return &FixtureError{Line: value.Line, Entry: entry, Field: key.Value, Err: trimYAML(err)}
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Tag == "!!null" {
				return nil
			}
			return &FixtureError{Line: n.Line, Entry: entry, Err: fmt.Errorf("want a list, not %s", n.Tag)}
		}
		for i, item := range n.Content {
			elem := t.Elem()
			if elem.Kind() == reflect.Struct {
				if err := checkNode(item, elem, fmt.Sprintf("%s[%d]", entry, i)); err != nil {
					return err
				}
				continue
			}
			if err := item.Decode(reflect.New(elem).Interface()); err != nil {
				return &FixtureError{Line: item.Line, Entry: fmt.Sprintf("%s[%d]", entry, i), Err: trimYAML(err)}
			}
		}
	}
	return nil
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tags(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag != "" {
			out = append(out, tag)
		}
	}
	return out
}

func join(entry, field string) string {
	if entry == "" {
		return field
	}
	return entry + "." + field
}

// trimYAML drops the yaml package's own prefix and line, which the
// FixtureError says already.
func trimYAML(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:")
	msg = strings.TrimSpace(msg)
	if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "line ") {
		msg = rest
	}
	return errors.New(msg)
}

func organizationEntry(i int) string { return fmt.Sprintf("organizations[%d]", i) }

func certificateEntry(i, j int) string {
	return fmt.Sprintf("organizations[%d].certificates[%d]", i, j)
}

// marshalFixtures writes fixtures as indented JSON, which loads back as
// YAML.
func marshalFixtures(fx *Fixtures) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	_ = enc.Encode(fx) // strings, bools and slices of them always encode
	return b.Bytes()
}
