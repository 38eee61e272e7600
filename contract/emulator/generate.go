// Package emulator is a stateful, in-memory Certificates API for tests: it
// keeps each organization's certificates, enforces the documented rules and
// validates every request against openapi/certificates.yaml before a handler
// runs. Its routing and types are generated from that same fragment.
package emulator

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../openapi/server.cfg.yaml ../../openapi/certificates.yaml
