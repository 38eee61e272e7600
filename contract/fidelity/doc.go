// Package fidelity records a contract run's exchanges to a HAR file and
// replays a recording against another target, comparing each answer with the
// recorded one by meaning (status, error shape, fields, ordering) and
// reporting what diverged. Record and replay live together here: a Recorder
// is the RoundTripper a suite run goes through (package har writes its
// file), Replay sends a recording's requests again, and Report renders the
// divergences as text or Markdown, with an allow-list for those that are
// known. `make replay` (contract/cmd/replay) is its command.
package fidelity
