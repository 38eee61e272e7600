package emulator

import "slices"

// Mutation names one deliberately wrong behaviour. A contract suite run against
// an emulator with a mutation switched on must fail; if it passes, the suite
// does not check that rule.
type Mutation string

const (
	// MutationIgnoreLimit makes lists return everything, whatever limit says.
	MutationIgnoreLimit Mutation = "ignore-limit"
	// MutationWrongObject makes upload, get and modify answer object
	// "organization.certificate".
	MutationWrongObject Mutation = "wrong-object"
	// MutationDeleteActive lets delete succeed while the certificate is active.
	MutationDeleteActive Mutation = "delete-active"
	// MutationNonAtomicToggle makes a toggle apply the known ids before failing
	// on an unknown one.
	MutationNonAtomicToggle Mutation = "non-atomic-toggle"
	// MutationRepeatAcrossPages makes the page after `after=X` start with X again.
	MutationRepeatAcrossPages Mutation = "repeat-across-pages"
	// MutationFoundUnknownID makes get of an unknown id answer 200 with a
	// made-up certificate.
	MutationFoundUnknownID Mutation = "found-unknown-id"
	// MutationActiveAfterUpload makes a new certificate active for the
	// organization at once.
	MutationActiveAfterUpload Mutation = "active-after-upload"
)

var knownMutations = []Mutation{
	MutationIgnoreLimit,
	MutationWrongObject,
	MutationDeleteActive,
	MutationNonAtomicToggle,
	MutationRepeatAcrossPages,
	MutationFoundUnknownID,
	MutationActiveAfterUpload,
}

// KnownMutations returns every mutation the emulator implements, so a suite
// can prove it catches each one.
func KnownMutations() []Mutation { return slices.Clone(knownMutations) }

func (m Mutation) known() bool { return slices.Contains(knownMutations, m) }

// mutated reports whether the wrong behaviour m is switched on.
func (s *Server) mutated(m Mutation) bool { return s.mutations[m] }
