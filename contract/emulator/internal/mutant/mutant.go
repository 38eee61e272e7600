// Package mutant makes the emulator's deliberately wrong behaviours, named
// by package contract/internal/mutation: each is a wrapper, never a switch
// inside the store's rules or the handlers, which the emulator puts in place
// when Config.Mutations switches it on. Nothing here is part of the
// emulator's API; it exists to prove the contract suite catches each one.
package mutant

import (
	"fmt"
	"slices"

	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/contract/internal/mutation"
)

// wrapper is how one wrong behaviour is made. A wrapper embeds what it wraps
// and overrides just the methods it bends; the ones in rules.go and
// answers.go show the two kinds, and sequences.go rule wrappers that keep
// state across calls.
//
// To add a mutation, name it in package mutation (its doc says the steps),
// then write its wrapper and add it to catalogue: rules when it bends a
// business rule or the state (an organization's rules get their wrapper
// once, when the organization is created, so a wrapper may keep state across
// calls, for a bug that only a sequence of requests shows), or handlers when
// it bends what an answer says (editAnswer changes a field of any generated
// response).
type wrapper struct {
	name     string
	rules    func(store.Rules) store.Rules
	handlers func(server.ServerInterface) server.ServerInterface
}

// catalogue holds a wrapper for every mutation of mutation.Known.
var catalogue = append([]wrapper{
	{name: mutation.IgnoreLimit, rules: func(r store.Rules) store.Rules { return ignoreLimit{r} }},
	{name: mutation.WrongObject, handlers: func(h server.ServerInterface) server.ServerInterface { return wrongObject{h} }},
	{name: mutation.DeleteActive, rules: func(r store.Rules) store.Rules { return deleteActive{r} }},
	{name: mutation.NonAtomicToggle, rules: func(r store.Rules) store.Rules { return nonAtomicToggle{r} }},
	{name: mutation.RepeatAcrossPages, rules: func(r store.Rules) store.Rules { return repeatAcrossPages{r} }},
	{name: mutation.FoundUnknownID, rules: func(r store.Rules) store.Rules { return foundUnknownID{r} }},
	{name: mutation.ActiveAfterUpload, rules: func(r store.Rules) store.Rules { return activeAfterUpload{r} }},
	{name: mutation.AcceptLeaf, rules: forgetting(store.RequireCA)},
	{name: mutation.AcceptNoSubjectKeyID, rules: forgetting(store.RequireSubjectKeyID)},
	{name: mutation.AcceptNoAuthorityKeyID, rules: forgetting(store.RequireAuthorityKeyID)},
	{name: mutation.AcceptNoCertSign, rules: forgetting(store.RequireCertSign)},
	{name: mutation.GateOpen, rules: func(r store.Rules) store.Rules { return gateOpen{r} }},
	{name: mutation.DeletedStillCounts, rules: func(r store.Rules) store.Rules { return &deletedStillCounts{Rules: r} }},
	{name: mutation.ActivationSpreads, rules: func(r store.Rules) store.Rules { return &activationSpreads{Rules: r} }},
	{name: mutation.PageSkipsAfterDelete, rules: func(r store.Rules) store.Rules { return &pageSkipsAfterDelete{Rules: r} }},
	{name: mutation.ReactivationIgnored, rules: func(r store.Rules) store.Rules { return &reactivationIgnored{Rules: r} }},
	{name: mutation.ProjectDeactivationReachesOrganization, rules: func(r store.Rules) store.Rules { return projectDeactivationReachesOrganization{r} }},
	{name: mutation.RenameRestoresActivation, rules: func(r store.Rules) store.Rules { return &renameRestoresActivation{Rules: r} }},
	{name: mutation.OrganizationDeactivationBlocksProjects, rules: func(r store.Rules) store.Rules { return &organizationDeactivationBlocksProjects{Rules: r} }},
}, fieldMutations()...)

// Set is the mutations switched on in one emulator.
type Set []wrapper

// NewSet returns the set of the named mutations, refusing a name it does not
// know.
func NewSet(names []string) (Set, error) {
	var set Set
	for _, name := range names {
		i := slices.IndexFunc(catalogue, func(w wrapper) bool { return w.name == name })
		if i < 0 {
			return nil, fmt.Errorf("emulator: unknown mutation %q (known: %v)", name, mutation.Known())
		}
		if !slices.ContainsFunc(set, func(w wrapper) bool { return w.name == name }) {
			set = append(set, catalogue[i])
		}
	}
	return set, nil
}

// Wrap puts the set's rule mutations around one organization's rules.
func (set Set) Wrap(r store.Rules) store.Rules {
	for _, m := range set {
		if m.rules != nil {
			r = m.rules(r)
		}
	}
	return r
}

// WrapHandlers puts the set's answer mutations around the handlers.
func (set Set) WrapHandlers(h server.ServerInterface) server.ServerInterface {
	for _, m := range set {
		if m.handlers != nil {
			h = m.handlers(h)
		}
	}
	return h
}
