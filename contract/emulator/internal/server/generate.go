// Package server is the emulator's routing and parameter binding, generated
// from openapi/certificates.yaml. It has no models of its own: the request and
// response types are package generated's, the ones the client uses, so both
// sides of the wire change together when the fragment does.
package server

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../../../openapi/server.cfg.yaml ../../../../openapi/certificates.yaml
