package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// artifact is one entry of GoReleaser's artifacts.json, the fields this
// checks; any of them may be absent.
type artifact struct {
	Name   string         `json:"name"`
	Path   string         `json:"path"`
	Goos   string         `json:"goos"`
	Goarch string         `json:"goarch"`
	Type   string         `json:"type"` // "Binary", "Archive", "Checksum", "SBOM", "Signature", ...
	Extra  map[string]any `json:"extra"`
}

// The artifact types this checks, as artifacts.json spells them.
const (
	typeBinary   = "Binary"
	typeArchive  = "Archive"
	typeChecksum = "Checksum"
	typeSBOM     = "SBOM"
)

func (a artifact) platform() string { return a.Goos + "/" + a.Goarch }

// id is the build or archive configuration the artifact came from.
func (a artifact) id() string {
	s, _ := a.Extra["ID"].(string)
	return s
}

// fileName is the name the artifact has on disk, which for a binary is also
// its name inside an archive.
func (a artifact) fileName() string { return filepath.Base(a.Path) }

func ofType(arts []artifact, typ string) []artifact {
	var out []artifact
	for _, a := range arts {
		if a.Type == typ {
			out = append(out, a)
		}
	}
	return out
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
