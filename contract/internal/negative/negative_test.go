package negative_test

import (
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/negative"
	"github.com/certcontract/certcontract/generated/spec"
)

func names(cases []negative.Case) []string {
	out := make([]string, len(cases))
	for i, c := range cases {
		out[i] = c.Name()
	}
	return out
}

func TestTheFragmentsConstraintsAreAllDerived(t *testing.T) {
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := negative.Derive(doc)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(names(cases), "\n")
	for _, want := range []string{
		`listOrganizationCertificates query limit: type integer (sends "abc")`,
		"listOrganizationCertificates query limit: minimum 1 (sends 0)",
		"listOrganizationCertificates query limit: maximum 100 (sends 101)",
		`listOrganizationCertificates query order: enum [asc desc] (sends "not_asc")`,
		"listProjectCertificates query limit: maximum 100 (sends 101)",
		`getCertificate query include[]: items: enum [content] (sends "not_content")`,
		"uploadCertificate body certificate: required (sends nothing)",
		"uploadCertificate body certificate: type string (sends 1, a number)",
		"uploadCertificate body name: nullable false (sends null)",
		"modifyCertificate body name: type string (sends 1, a number)",
		"activateOrganizationCertificates body certificate_ids: minItems 1 (sends 0 items)",
		"deactivateProjectCertificates body certificate_ids: maxItems 10 (sends 11 items)",
		"activateProjectCertificates body certificate_ids: items: type string (sends an item 1, a number)",
		`deactivateOrganizationCertificates body certificate_ids: type array (sends "1", a string)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing case %q; derived:\n%s", want, got)
		}
	}
}

// The point of deriving: a constraint added to the fragment is a new case
// without a new spec.
func TestAConstraintAddedToTheFragmentIsANewCase(t *testing.T) {
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	before, err := negative.Derive(doc)
	if err != nil {
		t.Fatal(err)
	}
	maxLen := uint64(64)
	doc.Components.Schemas["ModifyCertificateRequest"].Value.Properties["name"].Value.MaxLength = &maxLen
	after, err := negative.Derive(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+1 {
		t.Fatalf("%d cases, then %d after adding maxLength", len(before), len(after))
	}
	if got := strings.Join(names(after), "\n"); !strings.Contains(got, "modifyCertificate body name: maxLength 64 (sends 65 characters)") {
		t.Errorf("no case for the new maxLength:\n%s", got)
	}
}

func TestAConstraintItCannotBreakStopsTheDerivation(t *testing.T) {
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	doc.Components.Schemas["UploadCertificateRequest"].Value.Properties["name"].Value.Pattern = "^[a-z]+$"
	_, err = negative.Derive(doc)
	if err == nil || !strings.Contains(err.Error(), "uploadCertificate body: name: no breaking value for pattern") {
		t.Fatalf("Derive = %v, want an error naming the pattern", err)
	}
}
