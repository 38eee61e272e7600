package generated

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"time"
)

// CARequirement is one of the published requirements of a CA certificate
// uploaded for OpenAI's mutual TLS (the help center article on the Mutual TLS
// program): each constant reads as what the certificate must be or have.
type CARequirement string

// The published requirements.
const (
	RequirePEM            CARequirement = "one PEM CERTIFICATE block of an X.509 certificate"
	RequireUnder16KB      CARequirement = "under 16 KB"
	RequireNotExpiring    CARequirement = "valid for more than one more day"
	RequireCA             CARequirement = "a CA certificate (basic constraints CA:TRUE)"
	RequireSubjectKeyID   CARequirement = "a Subject Key Identifier extension"
	RequireAuthorityKeyID CARequirement = "an Authority Key Identifier extension with a key identifier"
	RequireCertSign       CARequirement = "key usage Certificate Sign and CRL Sign"
)

// CARequirements are every published requirement, in the order
// [CARequirementsError] names them.
var CARequirements = []CARequirement{
	RequirePEM, RequireUnder16KB, RequireNotExpiring,
	RequireCA, RequireSubjectKeyID, RequireAuthorityKeyID, RequireCertSign,
}

// CARequirementsError is what [CheckCACertificate] returns for a certificate
// that misses requirements: every one it misses, in the order of
// [CARequirements]. When it is not a readable certificate at all, Missing is
// [RequirePEM] (and [RequireUnder16KB] if it is too large too), since nothing
// else can be read.
type CARequirementsError struct {
	Missing []CARequirement
}

// Error reads like "the certificate must be or have: a CA certificate
// (basic constraints CA:TRUE); key usage Certificate Sign and CRL Sign".
func (e *CARequirementsError) Error() string {
	missing := make([]string, len(e.Missing))
	for i, r := range e.Missing {
		missing[i] = string(r)
	}
	return "the certificate must be or have: " + strings.Join(missing, "; ")
}

// CheckCACertificate tells, without calling the API, whether certificatePEM
// meets the published requirements of a CA certificate for mutual TLS: one
// PEM-encoded X.509 certificate under 16 KB, not expiring within a day, a
// CA, with Subject and Authority Key Identifiers and key usage Certificate
// Sign and CRL Sign. It returns nil or a [*CARequirementsError] naming every
// requirement missed, so a command or a CI step can lint a CA file.
// [AdminClient.UploadCertificate] does not call it: the API stays the judge,
// and may accept or refuse what this check does not foresee.
func CheckCACertificate(certificatePEM string) error {
	var missing []CARequirement
	if len(certificatePEM) >= 16<<10 {
		missing = append(missing, RequireUnder16KB)
	}
	cert := parseOneCertificate(certificatePEM)
	if cert == nil {
		return &CARequirementsError{Missing: append([]CARequirement{RequirePEM}, missing...)}
	}
	if !cert.NotAfter.After(time.Now().Add(24 * time.Hour)) {
		missing = append(missing, RequireNotExpiring)
	}
	if !cert.BasicConstraintsValid || !cert.IsCA {
		missing = append(missing, RequireCA)
	}
	if len(cert.SubjectKeyId) == 0 {
		missing = append(missing, RequireSubjectKeyID)
	}
	// x509 reads only the keyIdentifier of an Authority Key Identifier: one
	// holding only the issuer's name and serial number leaves it empty.
	if len(cert.AuthorityKeyId) == 0 {
		missing = append(missing, RequireAuthorityKeyID)
	}
	if want := x509.KeyUsageCertSign | x509.KeyUsageCRLSign; cert.KeyUsage&want != want {
		missing = append(missing, RequireCertSign)
	}
	if len(missing) > 0 {
		return &CARequirementsError{Missing: missing}
	}
	return nil
}

// parseOneCertificate is the certificate of a PEM holding exactly one
// CERTIFICATE block and nothing else but white space, or nil.
func parseOneCertificate(certificatePEM string) *x509.Certificate {
	block, rest := pem.Decode([]byte(certificatePEM))
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) > 0 ||
		!strings.HasPrefix(strings.TrimSpace(certificatePEM), "-----BEGIN ") {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return cert
}
