// Package generated is a typed client for the Certificates operations of
// OpenAI's Admin API, generated from openapi/certificates.yaml.
//
// Start with New: it returns an AdminClient with retries, typed *APIError
// errors and page iterators. The generated Client and ClientWithResponses
// underneath are there for callers that want every response as it came.
package generated

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../openapi/client.cfg.yaml ../openapi/certificates.yaml
