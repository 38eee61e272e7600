package model

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
)

// The mutual TLS gate's refusals, as docs/mtls.md decides them (the live
// API's are unpublished).
const (
	CodeClientCertificateRequired = "client_certificate_required"
	CodeClientCertificateRefused  = "client_certificate_refused"
)

// Gate predicts the answer of the mutual TLS gate to a data plane request of
// project presenting clientPEM (its client certificates, leaf first; "" for
// none), from the certificates active now: 200, or 403 and the refusal's code,
// with why. It reads the published program: a project with a CA active for
// it or for the organization takes only a client certificate signed directly
// by one of them that has a Subject Key Identifier, an Authority Key
// Identifier with a key identifier, key usage digitalSignature and
// keyEncipherment, and extended key usage clientAuth.
func (m *Model) Gate(project, clientPEM string) (status int, code, why string) {
	var active []*x509.Certificate
	for _, c := range m.certs {
		if !c.org && !c.projects[project] {
			continue
		}
		block, _ := pem.Decode([]byte(strings.TrimSpace(c.content)))
		ca, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue // the model stores only what readPEM accepted
		}
		active = append(active, ca)
	}
	if len(active) == 0 {
		return http.StatusOK, "", "no CA active for the project or the organization"
	}
	block, _ := pem.Decode([]byte(clientPEM))
	if block == nil {
		return http.StatusForbidden, CodeClientCertificateRequired, "a CA is active and no client certificate was presented"
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return http.StatusForbidden, CodeClientCertificateRefused, "the client certificate does not parse"
	}
	if missing := clientExtensions(leaf.Extensions); missing != "" {
		return http.StatusForbidden, CodeClientCertificateRefused, "the client certificate is " + missing
	}
	if now := m.now(); now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return http.StatusForbidden, CodeClientCertificateRefused, "the client certificate is not valid now"
	}
	if !slices.ContainsFunc(active, func(ca *x509.Certificate) bool { return leaf.CheckSignatureFrom(ca) == nil }) {
		return http.StatusForbidden, CodeClientCertificateRefused, "no active CA signed the client certificate directly"
	}
	return http.StatusOK, "", "signed directly by an active CA"
}

var (
	oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidClientAuth  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
)

// clientExtensions reads from the raw extensions what a client certificate
// must carry, and says what is missing, or "".
func clientExtensions(exts []pkix.Extension) string {
	missing := keyIdentifiers(exts)
	if !keyUsage(exts, 0, 2) { // digitalSignature, keyEncipherment
		missing = append(missing, "without digitalSignature and keyEncipherment")
	}
	var eku []asn1.ObjectIdentifier
	if v := extension(exts, oidExtKeyUsage); v == nil || mustRead(v, &eku) != nil ||
		!slices.ContainsFunc(eku, func(o asn1.ObjectIdentifier) bool { return o.Equal(oidClientAuth) }) {
		missing = append(missing, "without extended key usage clientAuth")
	}
	return strings.Join(missing, ", ")
}
