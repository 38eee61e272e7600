package main

import (
	"debug/buildinfo"
	"slices"
	"strings"
)

// spdx is the part of an SPDX 2.x JSON document this checks.
type spdx struct {
	SPDXVersion string        `json:"spdxVersion"`
	Packages    []spdxPackage `json:"packages"`
}

type spdxPackage struct {
	Name string `json:"name"`
}

// checkSBOM finds the archive's SBOM and checks that it describes the
// binaries the archive holds: it names the module each was built from.
func checkSBOM(r *report, a artifact, sboms []artifact, held []string) {
	i := slices.IndexFunc(sboms, func(s artifact) bool { return strings.HasPrefix(s.Name, a.Name+".") })
	if i < 0 {
		r.problem("%s has no SBOM", a.Name)
		return
	}
	s := sboms[i]
	var doc spdx
	if err := readJSON(s.Path, &doc); err != nil {
		r.problem("%s: %v", s.Name, err)
		return
	}
	if !strings.HasPrefix(doc.SPDXVersion, "SPDX-2.") {
		r.problem("%s: spdxVersion %q, want an SPDX 2 document", s.Name, doc.SPDXVersion)
	}
	for _, path := range held {
		info, err := buildinfo.ReadFile(path)
		if err != nil {
			continue // checkBinary reported it
		}
		module := info.Main.Path
		if !slices.ContainsFunc(doc.Packages, func(p spdxPackage) bool { return p.Name == module }) {
			r.problem("%s: no package %s, the module its binaries were built from", s.Name, module)
		}
	}
}
