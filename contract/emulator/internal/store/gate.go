package store

import (
	"crypto/x509"
	"strings"
	"time"
)

// Admit is the mutual TLS gate: whether a request to project (of this
// organization) is let through, given the certificates its client presented
// in the TLS handshake, leaf first (none on a plain connection). It reads the
// activation state at the moment of the request, so an activation or
// deactivation takes effect on the next request, not the next connection.
//
// A project with no CA active for it, nor for the organization, admits every
// request. Otherwise the leaf must be signed directly by one of the CAs
// active for the project or the organization (chains of length one, as the
// program supports by default: certificates presented after the leaf are not
// used to reach a CA), be valid now, and meet the published requirements of
// a client certificate.
func (org *Organization) Admit(project string, peer []*x509.Certificate, now time.Time) error {
	if err := org.checkScope(Scope{Project: project}); err != nil {
		return err
	}
	org.mu.RLock()
	var active []*x509.Certificate
	for _, e := range org.entries {
		if e.active || e.activeIn[project] {
			active = append(active, e.ca)
		}
	}
	org.mu.RUnlock()
	if len(active) == 0 {
		return nil
	}
	if len(peer) == 0 {
		return refuse(ErrClientCertificateRequired,
			"Project %s accepts requests only with a client certificate signed by one of its active CA certificates; none was presented.", project)
	}
	leaf := peer[0]
	if missing := clientRequirements(leaf); len(missing) > 0 {
		return refuse(ErrClientCertificateRefused,
			"The client certificate does not meet the requirements of mutual TLS: it lacks %s.", strings.Join(missing, "; "))
	}
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return refuse(ErrClientCertificateRefused, "The client certificate is expired or not valid yet.")
	}
	for _, ca := range active {
		if leaf.CheckSignatureFrom(ca) == nil {
			return nil
		}
	}
	return refuse(ErrClientCertificateRefused,
		"The client certificate is not signed directly by a CA certificate active for project %s or for the organization.", project)
}

// clientRequirements are the published requirements of a client certificate
// that leaf misses.
func clientRequirements(leaf *x509.Certificate) []string {
	var missing []string
	if len(leaf.SubjectKeyId) == 0 {
		missing = append(missing, "a Subject Key Identifier extension")
	}
	if len(leaf.AuthorityKeyId) == 0 {
		missing = append(missing, "an Authority Key Identifier extension with a key identifier")
	}
	if want := x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment; leaf.KeyUsage&want != want {
		missing = append(missing, "key usage Digital Signature and Key Encipherment")
	}
	clientAuth := false
	for _, u := range leaf.ExtKeyUsage {
		clientAuth = clientAuth || u == x509.ExtKeyUsageClientAuth
	}
	if !clientAuth {
		missing = append(missing, "extended key usage TLS client authentication")
	}
	return missing
}
