// Package mutation names the emulator's deliberately wrong behaviours and
// the Ginkgo labels that tie each to the contract specs that catch it. It is
// suite machinery: the emulator takes these names (Config.Mutations, the
// -mutations flag) and its wrappers live in contract/emulator/internal/mutant;
// the specs label themselves with CatchesLabel; `make teeth` (contract/lab/teeth)
// proves each labelled spec fails against its mutation.
package mutation

import "slices"

// A mutation names one deliberately wrong behaviour. A contract suite run
// against an emulator with a mutation switched on must fail; if it passes,
// the suite does not check that rule.
const (
	// IgnoreLimit makes lists return everything, whatever limit says.
	IgnoreLimit = "ignore-limit"
	// WrongObject makes upload, get and modify answer object
	// "organization.certificate".
	WrongObject = "wrong-object"
	// DeleteActive lets delete succeed while the certificate is active.
	DeleteActive = "delete-active"
	// NonAtomicToggle makes a toggle apply the known ids before failing
	// on an unknown one.
	NonAtomicToggle = "non-atomic-toggle"
	// RepeatAcrossPages makes the page after `after=X` start with X again.
	RepeatAcrossPages = "repeat-across-pages"
	// FoundUnknownID makes get of an unknown id answer 200 with a
	// made-up certificate.
	FoundUnknownID = "found-unknown-id"
	// ActiveAfterUpload makes a new certificate active for the
	// organization at once.
	ActiveAfterUpload = "active-after-upload"
	// AcceptLeaf accepts an upload whose basic constraints say it is no CA.
	AcceptLeaf = "accept-leaf"
	// AcceptNoSubjectKeyID accepts an upload without a Subject Key
	// Identifier.
	AcceptNoSubjectKeyID = "accept-no-subject-key-id"
	// AcceptNoAuthorityKeyID accepts an upload without an Authority Key
	// Identifier.
	AcceptNoAuthorityKeyID = "accept-no-authority-key-id"
	// AcceptNoCertSign accepts an upload whose key usage lacks Certificate
	// Sign and CRL Sign.
	AcceptNoCertSign = "accept-no-cert-sign"
	// GateOpen lets every data plane request through the mutual TLS gate,
	// whatever is active and whatever certificate the client presents.
	GateOpen = "gate-open"

	// The mutations below only show in a sequence of requests.

	// DeletedStillCounts counts deleted certificates toward the 50
	// limit.
	DeletedStillCounts = "deleted-still-counts"
	// ActivationSpreads makes activating a certificate for a project
	// activate it again in the projects it was deactivated in.
	ActivationSpreads = "activation-spreads"
	// PageSkipsAfterDelete makes the first page read with a cursor
	// after a delete skip one certificate.
	PageSkipsAfterDelete = "page-skips-after-delete"
	// ReactivationIgnored answers an activation of a certificate
	// deactivated before in that scope as done, and leaves it inactive.
	ReactivationIgnored = "reactivation-ignored"
	// ProjectDeactivationReachesOrganization makes deactivating a
	// certificate for a project deactivate it for the organization too.
	ProjectDeactivationReachesOrganization = "project-deactivation-reaches-organization"
	// RenameRestoresActivation makes renaming a certificate that was
	// active for the organization once activate it there again.
	RenameRestoresActivation = "rename-restores-activation"
	// OrganizationDeactivationBlocksProjects answers a project's
	// activation of a certificate deactivated for the organization before
	// as done, and leaves it inactive in the project.
	OrganizationDeactivationBlocksProjects = "organization-deactivation-blocks-projects"
)

// Named are the mutations that bend one rule, in the order Known lists
// them. To add one:
//
//  1. Declare its constant above (the name -mutations and
//     CONTRACT_EMULATOR_MUTATIONS take) with a comment saying what it
//     breaks, and add it here.
//  2. Write its wrapper in contract/emulator/internal/mutant (mutant.go says
//     how) and add it to that package's catalogue.
//  3. Add its case to TestMutationsBreakTheirRule (contract/emulator), and
//     give the contract spec that catches it the label CatchesLabel(<constant>);
//     `make teeth` fails until that spec fails against the mutation.
var Named = []string{IgnoreLimit, WrongObject, DeleteActive, NonAtomicToggle, RepeatAcrossPages, FoundUnknownID,
	ActiveAfterUpload, AcceptLeaf, AcceptNoSubjectKeyID, AcceptNoAuthorityKeyID, AcceptNoCertSign, GateOpen, DeletedStillCounts, ActivationSpreads, PageSkipsAfterDelete, ReactivationIgnored,
	ProjectDeactivationReachesOrganization, RenameRestoresActivation, OrganizationDeactivationBlocksProjects}

// Known returns every mutation the emulator implements, so a suite can prove
// it catches each one: the named ones, then one per cell of the field ×
// answer table (FieldCells).
func Known() []string {
	names := slices.Clone(Named)
	for _, c := range FieldCells() {
		names = append(names, c.Mutation())
	}
	return names
}

// CatchesLabel is the Ginkgo label of a contract spec that catches m: with m
// switched on, that spec must fail (make teeth checks it does).
func CatchesLabel(m string) string { return "catches:" + m }

// SanityLabel marks the contract spec that make teeth runs beside each
// mutation's catching specs: no mutation touches it, so its passing shows
// the run itself worked and the catching specs failed for the mutation.
const SanityLabel = "teeth-sanity"
