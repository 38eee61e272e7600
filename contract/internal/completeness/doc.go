// Package completeness holds the guards that keep the emulator, the model
// and the checks level with the fragment. When openapi/certificates.yaml
// grows a response property, a query parameter, a request-body property or
// an enum value, `make generate` and the client follow by themselves, but
// nothing else does: the emulator validates requests against the fragment
// and so accepts a new parameter it then ignores, and every test still
// passes. The guards read the fragment, run every operation against the
// emulator and the model side by side (Observe), and name each thing the
// fragment declares that one of them leaves behind, with the places to
// update (Check); deliberate exceptions are listed, with reasons, in
// exceptions.yaml.
//
// They derive from behaviour, not from lists kept by hand: what the
// emulator produced, what the model predicted for the same requests, the
// field × answer table (mutation.FieldCells), the inputs the model's
// requests (stateful.Wire) can carry, and whether a query parameter changes
// the emulator's answer.
package completeness
