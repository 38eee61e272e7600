// Package suite is the contract suite's machinery, apart from its specs: the
// configuration read from the environment, the preflight that stops a
// remote run which cannot work, the transport chain every request goes
// through, the retry that rides out a live API's rate limits, the field
// checker that holds every answer to what the run stored, the cursor walk
// that rides out others' deletions, the ledger that removes what a run
// uploaded, and the coverage gate.
//
// It is plain Go with plain unit tests, so each piece is checked on its own
// rather than only through the suite that relies on it. It is internal
// because nothing outside contract/ should build on it: the suite's
// machinery changes with the suite, and the module's public API is the
// client and the validator.
package suite
