package emulator

import (
	"fmt"
	"slices"

	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

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
	// MutationAcceptLeaf accepts an upload whose basic constraints say it is
	// no CA.
	MutationAcceptLeaf Mutation = "accept-leaf"
	// MutationAcceptNoSubjectKeyID accepts an upload without a Subject Key
	// Identifier.
	MutationAcceptNoSubjectKeyID Mutation = "accept-no-subject-key-id"
	// MutationAcceptNoAuthorityKeyID accepts an upload without an Authority
	// Key Identifier.
	MutationAcceptNoAuthorityKeyID Mutation = "accept-no-authority-key-id"
	// MutationAcceptNoCertSign accepts an upload whose key usage lacks
	// Certificate Sign and CRL Sign.
	MutationAcceptNoCertSign Mutation = "accept-no-cert-sign"

	// The mutations below only show in a sequence of requests.

	// MutationDeletedStillCounts counts deleted certificates toward the 50
	// limit.
	MutationDeletedStillCounts Mutation = "deleted-still-counts"
	// MutationActivationSpreads makes activating a certificate for a project
	// activate it again in the projects it was deactivated in.
	MutationActivationSpreads Mutation = "activation-spreads"
	// MutationPageSkipsAfterDelete makes the first page read with a cursor
	// after a delete skip one certificate.
	MutationPageSkipsAfterDelete Mutation = "page-skips-after-delete"
	// MutationReactivationIgnored answers an activation of a certificate
	// deactivated before in that scope as done, and leaves it inactive.
	MutationReactivationIgnored Mutation = "reactivation-ignored"
)

// mutation is how one wrong behaviour is made: never a switch inside the
// store's rules or the handlers, only a wrapper around them, which the
// emulator puts in place when the mutation is switched on. A wrapper embeds
// what it wraps and overrides just the methods it bends; the ones in
// mutated_rules.go and mutated_answers.go show the two kinds, and
// mutated_sequences.go rule wrappers that keep state across calls.
//
// To add a mutation:
//
//  1. Declare its Mutation constant above (the name -mutations and
//     CONTRACT_EMULATOR_MUTATIONS take) with a comment saying what it breaks.
//  2. Write its wrapper and add it to catalogue: rules when it bends a
//     business rule or the state (an organization's rules get their wrapper
//     once, when the organization is created, so a wrapper may keep state
//     across calls, for a bug that only a sequence of requests shows), or
//     handlers when it bends what an answer says (editAnswer changes a field
//     of any generated response).
//  3. Add its case to TestMutationsBreakTheirRule, and give the contract spec
//     that catches it the label CatchesLabel(<constant>); `make teeth`
//     fails until that spec fails against the mutation.
type mutation struct {
	name     Mutation
	rules    func(rules) rules
	handlers func(server.ServerInterface) server.ServerInterface
}

// catalogue holds every mutation, in the order KnownMutations lists them:
// the named ones, then one per cell of the field × answer table
// (mutated_fields.go).
var catalogue = append([]mutation{
	{name: MutationIgnoreLimit, rules: func(r rules) rules { return ignoreLimit{r} }},
	{name: MutationWrongObject, handlers: func(h server.ServerInterface) server.ServerInterface { return wrongObject{h} }},
	{name: MutationDeleteActive, rules: func(r rules) rules { return deleteActive{r} }},
	{name: MutationNonAtomicToggle, rules: func(r rules) rules { return nonAtomicToggle{r} }},
	{name: MutationRepeatAcrossPages, rules: func(r rules) rules { return repeatAcrossPages{r} }},
	{name: MutationFoundUnknownID, rules: func(r rules) rules { return foundUnknownID{r} }},
	{name: MutationActiveAfterUpload, rules: func(r rules) rules { return activeAfterUpload{r} }},
	{name: MutationAcceptLeaf, rules: forgetting(store.RequireCA)},
	{name: MutationAcceptNoSubjectKeyID, rules: forgetting(store.RequireSubjectKeyID)},
	{name: MutationAcceptNoAuthorityKeyID, rules: forgetting(store.RequireAuthorityKeyID)},
	{name: MutationAcceptNoCertSign, rules: forgetting(store.RequireCertSign)},
	{name: MutationDeletedStillCounts, rules: func(r rules) rules { return &deletedStillCounts{rules: r} }},
	{name: MutationActivationSpreads, rules: func(r rules) rules { return &activationSpreads{rules: r} }},
	{name: MutationPageSkipsAfterDelete, rules: func(r rules) rules { return &pageSkipsAfterDelete{rules: r} }},
	{name: MutationReactivationIgnored, rules: func(r rules) rules { return &reactivationIgnored{rules: r} }},
}, fieldMutations()...)

// KnownMutations returns every mutation the emulator implements, so a suite
// can prove it catches each one.
func KnownMutations() []Mutation {
	names := make([]Mutation, len(catalogue))
	for i, m := range catalogue {
		names[i] = m.name
	}
	return names
}

// CatchesLabel is the Ginkgo label of a contract spec that catches m: with m
// switched on, that spec must fail (make teeth checks it does).
func CatchesLabel(m Mutation) string { return "catches:" + string(m) }

// SanityLabel marks the contract spec that make teeth runs beside each
// mutation's catching specs: no mutation touches it, so its passing shows
// the run itself worked and the catching specs failed for the mutation.
const SanityLabel = "teeth-sanity"

// mutationSet is the mutations switched on in one emulator.
type mutationSet []mutation

func newMutationSet(names []Mutation) (mutationSet, error) {
	var set mutationSet
	for _, name := range names {
		i := slices.IndexFunc(catalogue, func(m mutation) bool { return m.name == name })
		if i < 0 {
			return nil, fmt.Errorf("emulator: unknown mutation %q (known: %v)", name, KnownMutations())
		}
		if !slices.ContainsFunc(set, func(m mutation) bool { return m.name == name }) {
			set = append(set, catalogue[i])
		}
	}
	return set, nil
}

// wrap puts the set's rule mutations around one organization's rules.
func (set mutationSet) wrap(r rules) rules {
	for _, m := range set {
		if m.rules != nil {
			r = m.rules(r)
		}
	}
	return r
}

// wrapHandlers puts the set's answer mutations around the handlers.
func (set mutationSet) wrapHandlers(h server.ServerInterface) server.ServerInterface {
	for _, m := range set {
		if m.handlers != nil {
			h = m.handlers(h)
		}
	}
	return h
}
