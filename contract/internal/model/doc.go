// Package model is an independent model of OpenAI's Admin Certificates API,
// written from the reference page and openapi/certificates.yaml: certificates
// per organization, their state for the organization and for each project, the
// 50-certificate limit, delete only when inactive everywhere, cursor order and
// pagination, and every documented refusal with its status, error code and
// param.
//
// It is the oracle that both the emulator and the live API are checked
// against, so it shares no code with the emulator: it imports only the
// standard library (a test checks that), reads answers from their JSON itself
// and knows nothing of package generated. A rule misread in both places
// would otherwise go unseen.
//
// A Model follows one sequence of requests. For each request, [Model.Step]
// says what the API must answer, compares that with what it did answer, and
// moves on to the state after the request. What only the API can choose, the
// id and created_at of a new certificate, the model takes from the answer,
// after checking it is plausible (a new id, created_at not before the
// previous upload's).
package model
