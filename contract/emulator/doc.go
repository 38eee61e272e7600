// Package emulator is a stateful, in-memory Certificates API for tests. It
// keeps each organization's certificates, enforces the documented rules and
// checks every request against openapi/certificates.yaml before a handler
// runs; its routing (internal/server) is generated from that same fragment,
// and it speaks in package generated's types, as the client does.
//
//	emu, err := emulator.New(emulator.Config{})
//	ts := httptest.NewServer(emu) // base URL: ts.URL + "/v1"
//
// Each request goes through these steps, and the first that refuses answers:
//
//  1. The admin key (401, code invalid_api_key), before anything else, as the
//     live API does: a bad key learns nothing about routes or parameters.
//     A key longer than MaxAdminKeyBytes is refused before anything else.
//     Each key is its own organization, isolated from every other; it is
//     kept from the key's first stored upload on, so reads and refused
//     requests keep nothing, and at most Config.MaxOrganizations are kept.
//  2. Injected faults, when configured: a status (429 and 503 with
//     Retry-After, or 500), or a broken connection (reset before the request
//     is served; or served, then its answer cut short or lost).
//  3. The route (404), media type (415), body size (413, over 64 KiB), JSON
//     syntax (400), the fragment's schema (400, param naming the parameter or
//     top-level body field) and unknown query parameters and body fields
//     (400, param naming the first: a typo such as "nmae" or "limt" is
//     refused rather than silently ignored).
//  4. The business rules, all or nothing: a refused request changes nothing.
//
// It has two layers. The state and the business rules live in
// internal/store, which knows nothing of HTTP and refuses with errors naming
// the rule broken; this package is the HTTP layer: it checks the request,
// calls the rules (through the store.Rules interface), maps their errors to
// the API's statuses, codes and params (refusals in errors.go), and answers
// with package generated's types. Mutations, which exist only to prove a
// contract suite, are wrappers around either layer (internal/mutant),
// switched on by Config.Mutations.
// Config.Shared makes every organization look like one that others use
// too: certificates someone else uploaded, seeded when the organization is
// made, and another client at work on its own certificates until Close.
//
// Config.Fixtures starts organizations with known certificates (ids,
// names, times, PEMs, states), checked as uploads and toggles are; Reset
// returns one to them, Export writes one out as fixtures, Journal lists
// the calls it received and FailNext fails the next calls of an operation.
// The same are served for any language under ControlPath, outside /v1, for
// the key's own organization only. Package emulatortest wraps them for Go
// tests.
//
// Decisions where the sources leave room: `include[]=content` and
// `include=content` both add the PEM to a get; modify accepts only `name`
// (other fields are refused as unknown, so content and dates cannot appear to
// change); a PEM with any text around its single CERTIFICATE block, or with
// headers in it, is refused; the certificate need not be a CA, nor valid
// yet, as the published requirements do not say so; an empty `after` is no
// cursor.
package emulator
