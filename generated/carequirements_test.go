package generated_test

import (
	"errors"
	"fmt"
	"log"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

func TestCheckCACertificate(t *testing.T) {
	issue := func(opts testcert.Options) string {
		t.Helper()
		c, err := testcert.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		return c.PEM
	}
	valid := issue(testcert.Options{})
	tests := []struct {
		name string
		pem  string
		want []generated.CARequirement
	}{
		{"a compliant CA", valid, nil},
		{"surrounded by white space", "\n" + valid + "\n\n", nil},
		{"a leaf", issue(testcert.Options{NotCA: true}), []generated.CARequirement{generated.RequireCA}},
		{"no Subject Key Identifier", issue(testcert.Options{NoSubjectKeyID: true}), []generated.CARequirement{generated.RequireSubjectKeyID}},
		{"no Authority Key Identifier", issue(testcert.Options{NoAuthorityKeyID: true}), []generated.CARequirement{generated.RequireAuthorityKeyID}},
		{"no Certificate Sign", issue(testcert.Options{NoCertSign: true}), []generated.CARequirement{generated.RequireCertSign}},
		{"expiring within a day", issue(testcert.Options{NotAfter: time.Now().Add(12 * time.Hour)}), []generated.CARequirement{generated.RequireNotExpiring}},
		{"everything missing but the PEM", issue(testcert.Options{NotCA: true, NoAuthorityKeyID: true, NoCertSign: true, NotAfter: time.Now().Add(time.Hour)}),
			[]generated.CARequirement{generated.RequireNotExpiring, generated.RequireCA, generated.RequireAuthorityKeyID, generated.RequireCertSign}},
		{"16 KB or more", issue(testcert.Options{Padding: 13 << 10}), []generated.CARequirement{generated.RequireUnder16KB}},
		{"a chain", valid + valid, []generated.CARequirement{generated.RequirePEM}},
		{"text before", "ca:\n" + valid, []generated.CARequirement{generated.RequirePEM}},
		{"a private key", "-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n", []generated.CARequirement{generated.RequirePEM}},
		{"garbage", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", []generated.CARequirement{generated.RequirePEM}},
		{"empty", "", []generated.CARequirement{generated.RequirePEM}},
		{"large garbage", strings.Repeat("x", 16<<10), []generated.CARequirement{generated.RequirePEM, generated.RequireUnder16KB}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := generated.CheckCACertificate(tt.pem)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var reqErr *generated.CARequirementsError
			if !errors.As(err, &reqErr) {
				t.Fatalf("err = %v, want a *CARequirementsError", err)
			}
			if !slices.Equal(reqErr.Missing, tt.want) {
				t.Errorf("missing %q, want %q", reqErr.Missing, tt.want)
			}
			for _, r := range tt.want {
				if !strings.Contains(err.Error(), string(r)) {
					t.Errorf("%q does not name %q", err, r)
				}
			}
		})
	}
}

// Lint a CA file before uploading it: the error names every published
// requirement the certificate misses.
func ExampleCheckCACertificate() {
	leaf, err := testcert.New(testcert.Options{NotCA: true, NoCertSign: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := generated.CheckCACertificate(leaf.PEM); err != nil {
		fmt.Println(err)
	}
	// Output:
	// the certificate must be or have: a CA certificate (basic constraints CA:TRUE); key usage Certificate Sign and CRL Sign
}
