package fidelity

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/certcontract/certcontract/contract/fidelity/har"
)

// Parallel processes of one run each write their own part of a recording;
// the last one to finish merges them into the file that was asked for.

const partSuffix = ".process-"

// PartPath is where process n of a run writes its part of the recording path.
func PartPath(path string, process int) string {
	return path + partSuffix + strconv.Itoa(process)
}

// MergeParts merges every part of path that processes wrote into path and
// removes the parts. A process that died before writing its part is named in
// the log's comment, and the others are still merged.
func MergeParts(path string, processes int) error {
	var files []*har.File
	var missing []string
	var parts []string
	for n := 1; n <= processes; n++ {
		p := PartPath(path, n)
		f, err := har.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			missing = append(missing, strconv.Itoa(n))
			continue
		}
		if err != nil {
			return err
		}
		files = append(files, f)
		parts = append(parts, p)
	}
	if len(files) == 0 {
		return fmt.Errorf("no process wrote a part of %s (%s)", path, filepath.Base(PartPath(path, 1)))
	}
	merged := Merge(files...)
	if len(missing) > 0 {
		merged.Log.Comment = "process " + strings.Join(missing, ", ") + " left no recording: its exchanges are missing"
	}
	if err := har.WriteFile(path, merged); err != nil {
		return err
	}
	for _, p := range parts {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}

// Merge interleaves the entries of several processes by start time. Each
// process's entries keep their own order whatever the clocks say, so the
// exchanges of an organization one process owns stay exactly in the order
// they were sent.
func Merge(files ...*har.File) *har.File {
	out := &har.File{Log: har.Log{Version: har.Version, Creator: creator(), Entries: []har.Entry{}}}
	heads := make([]int, len(files))
	total := 0
	for _, f := range files {
		total += len(f.Log.Entries)
		if out.Log.Run == nil && f.Log.Run != nil {
			run := *f.Log.Run
			out.Log.Run = &run
		}
	}
	for len(out.Log.Entries) < total {
		best := -1
		for i, f := range files {
			if heads[i] == len(f.Log.Entries) {
				continue
			}
			if best < 0 || f.Log.Entries[heads[i]].StartedDateTime.Before(files[best].Log.Entries[heads[best]].StartedDateTime) {
				best = i
			}
		}
		out.Log.Entries = append(out.Log.Entries, files[best].Log.Entries[heads[best]])
		heads[best]++
	}
	if out.Log.Run != nil {
		out.Log.Run.Processes = len(files)
	}
	return out
}
