package suite

import (
	"net/http"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/fidelity"
	"github.com/certcontract/certcontract/contract/fidelity/har"
)

// Recording is one parallel process's part of the HAR file CONTRACT_RECORD
// names. Each process writes its own part; the first process merges them
// when every other one is done, so each process's exchanges keep their
// exact order.
type Recording struct {
	path     string
	process  int
	redactor *fidelity.Redactor
	recorder *fidelity.Recorder // made by the layer, once it knows what is below it
	run      har.RunInfo
}

// NewRecording starts process's part of the recording of a run against
// baseURL; nil when cfg asks for none. The run id salts the placeholders
// that stand for admin keys, so every process gives one key the same one.
func NewRecording(cfg Config, runID string, process int, baseURL string) *Recording {
	if cfg.Record == "" {
		return nil
	}
	projects := emulator.DefaultProjects
	if cfg.Remote() {
		projects = []string{cfg.ProjectID}
	}
	return &Recording{
		path:     cfg.Record,
		process:  process,
		run:      har.RunInfo{ID: runID, BaseURL: baseURL, Projects: projects},
		redactor: fidelity.NewRedactor(runID, cfg.AdminKey),
	}
}

// Layers is the recording's place in Transport's chain: above the retry, so
// it keeps the answer each spec got, once; a rate-limited attempt that was
// retried is not part of the exchange the spec saw.
func (r *Recording) Layers() []Layer {
	if r == nil {
		return nil
	}
	return []Layer{func(next http.RoundTripper) http.RoundTripper {
		r.recorder = fidelity.NewRecorder(r.redactor, fidelity.RecordThrough(next), fidelity.RecordProcess(r.process))
		return r.recorder
	}}
}

// WritePart writes what this process recorded so far; writing again
// replaces the part, so the process that sweeps last can write after it.
func (r *Recording) WritePart() error {
	if r == nil || r.recorder == nil {
		return nil
	}
	return har.WriteFile(fidelity.PartPath(r.path, r.process), r.recorder.File(r.run))
}

// Merge writes the recording from the parts of processes processes.
func (r *Recording) Merge(processes int) error {
	if r == nil {
		return nil
	}
	return fidelity.MergeParts(r.path, processes)
}
