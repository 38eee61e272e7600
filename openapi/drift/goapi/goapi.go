// Package goapi reports how the exported Go API of a package changed between
// two trees of a module, with golang.org/x/exp/apidiff: identifiers added,
// removed, or changed in a way that breaks (incompatible) or keeps (compatible)
// existing callers.
package goapi

import (
	"context"
	"errors"
	"fmt"
	"go/types"
	"os"
	"slices"

	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"
)

// Compare loads the package pattern names (such as "./generated") in the
// module tree oldDir and in newDir and reports the API changes from old to
// new.
func Compare(ctx context.Context, oldDir, newDir, pattern string) (apidiff.Report, error) {
	oldPkg, err := load(ctx, oldDir, pattern)
	if err != nil {
		return apidiff.Report{}, fmt.Errorf("old tree: %w", err)
	}
	newPkg, err := load(ctx, newDir, pattern)
	if err != nil {
		return apidiff.Report{}, fmt.Errorf("new tree: %w", err)
	}
	return apidiff.Changes(oldPkg, newPkg), nil
}

func load(ctx context.Context, dir, pattern string) (*types.Package, error) {
	cfg := &packages.Config{
		Context: ctx,
		Mode:    packages.NeedName | packages.NeedTypes | packages.NeedImports | packages.NeedDeps,
		Dir:     dir,
		// Each tree is its own module: a go.work around the checkout must
		// not pull the other tree in.
		Env: append(os.Environ(), "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("%s matches %d packages, want one", pattern, len(pkgs))
	}
	var errs []error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return pkgs[0].Types, nil
}

// Incompatible tells whether the report holds a change that breaks callers.
func Incompatible(r apidiff.Report) bool {
	return slices.ContainsFunc(r.Changes, func(c apidiff.Change) bool { return !c.Compatible })
}

// Messages returns the messages of the report's incompatible changes and of
// its compatible ones, each in the report's order.
func Messages(r apidiff.Report) (incompatible, compatible []string) {
	for _, c := range r.Changes {
		if c.Compatible {
			compatible = append(compatible, c.Message)
		} else {
			incompatible = append(incompatible, c.Message)
		}
	}
	return incompatible, compatible
}
