package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// checkSums reads the checksums file and checks it lists every archive and
// SBOM, each with the digest of the file as it is now. It returns how many
// lines it checked.
func checkSums(r *report, arts []artifact) int {
	files := ofType(arts, typeChecksum)
	if len(files) != 1 {
		r.problem("%d checksums files, want 1", len(files))
		return 0
	}
	sums, err := readSums(files[0].Path)
	if err != nil {
		r.problem("%s: %v", files[0].Name, err)
		return 0
	}
	byName := map[string]string{}
	for _, a := range arts {
		if a.Type == typeArchive || a.Type == typeSBOM {
			byName[a.Name] = a.Path
		}
	}
	for name, path := range byName {
		want, ok := sums[name]
		if !ok {
			r.problem("%s does not list %s", files[0].Name, name)
			continue
		}
		got, err := fileDigest(path)
		if err != nil {
			r.problem("%s: %v", name, err)
		} else if hex.EncodeToString(got[:]) != want {
			r.problem("%s: SHA-256 %x, %s says %s", name, got, files[0].Name, want)
		}
	}
	for name := range sums {
		if _, ok := byName[name]; !ok {
			// Anything else listed must at least be beside it.
			if _, err := os.Stat(filepath.Join(filepath.Dir(files[0].Path), name)); err != nil {
				r.problem("%s lists %s, which was not built", files[0].Name, name)
			}
		}
	}
	return len(sums)
}

// readSums reads sha256sum's format: "<hex digest>  <name>" per line.
func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		digest, name, ok := strings.Cut(sc.Text(), "  ")
		if b, err := hex.DecodeString(digest); !ok || err != nil || len(b) != 32 || name == "" {
			return nil, fmt.Errorf("line %d is not \"<sha256>  <name>\": %q", n, sc.Text())
		}
		sums[name] = digest
	}
	return sums, sc.Err()
}
