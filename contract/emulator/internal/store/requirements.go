package store

import (
	"crypto/x509"
	"strings"
)

// Requirement is one of the published requirements of an uploaded CA
// certificate beyond its encoding, size and validity (OpenAI's help center
// article on the Mutual TLS program): what the certificate must be or have,
// as a refusal names it.
type Requirement string

// The published requirements, in the order a refusal names them.
const (
	RequireCA             Requirement = "basic constraints CA:TRUE"
	RequireSubjectKeyID   Requirement = "a Subject Key Identifier extension"
	RequireAuthorityKeyID Requirement = "an Authority Key Identifier extension with a key identifier"
	RequireCertSign       Requirement = "key usage Certificate Sign and CRL Sign"
)

// Requirements are every requirement Add checks.
var Requirements = []Requirement{RequireCA, RequireSubjectKeyID, RequireAuthorityKeyID, RequireCertSign}

func (r Requirement) metBy(c *x509.Certificate) bool {
	switch r {
	case RequireCA:
		return c.BasicConstraintsValid && c.IsCA
	case RequireSubjectKeyID:
		return len(c.SubjectKeyId) > 0
	case RequireAuthorityKeyID:
		// x509 reads only the keyIdentifier of the extension: one naming
		// just the issuer and serial number leaves AuthorityKeyId empty.
		return len(c.AuthorityKeyId) > 0
	case RequireCertSign:
		want := x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		return c.KeyUsage&want == want
	}
	return false
}

// checkRequirements refuses a certificate that misses any of reqs, naming
// every one it misses.
func checkRequirements(c *x509.Certificate, reqs []Requirement) error {
	var missing []string
	for _, r := range reqs {
		if !r.metBy(c) {
			missing = append(missing, string(r))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return refuse(ErrInvalidCertificate,
		"The certificate does not meet the requirements of a CA certificate for mutual TLS: it lacks %s.", strings.Join(missing, "; "))
}
