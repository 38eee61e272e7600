// Package spec embeds openapi/certificates.yaml for validation at run time. It
// is apart from package generated so that the client does not import kin-openapi.
package spec

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../openapi/spec.cfg.yaml ../../openapi/certificates.yaml
