package har

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write encodes f, indented so that a recording reads and diffs well.
func Write(w io.Writer, f *File) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Bodies are JSON themselves; escaping their < and > would only make
	// them harder to read.
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}

// WriteFile writes f to path through a temporary file in the same folder, so
// a reader never sees half a recording.
func WriteFile(path string, f *File) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := Write(tmp, f); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
