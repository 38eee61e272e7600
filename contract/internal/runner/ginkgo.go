package runner

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/onsi/ginkgo/v2/ginkgo/command"
	"github.com/onsi/ginkgo/v2/ginkgo/run"
)

// runSuite runs this binary's specs as `ginkgo -p <suite>.test` runs a
// precompiled suite, and answers Ginkgo's exit status: 0 when every spec
// passed. An error means the suite did not run at all.
func runSuite(reports string, procs int, o options) (status int, err error) {
	self, cleanup, err := selfAsSuite()
	if err != nil {
		return 0, err
	}
	defer cleanup()
	args := []string{
		"--procs=" + strconv.Itoa(procs),
		"--randomize-all",
		"--timeout=" + o.timeout.String(),
		"--output-dir=" + reports,
		"--junit-report=" + JUnitReport,
		"--json-report=" + JSONReport,
	}
	if o.labels != "" {
		args = append(args, "--label-filter="+o.labels)
	}
	if o.noColor {
		args = append(args, "--no-color")
	}
	args = append(args, self)

	// The run command ends by panicking with its exit status, which the
	// ginkgo CLI's main turns into os.Exit.
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		abort, ok := r.(command.AbortDetails)
		if !ok {
			panic(r)
		}
		status = abort.ExitCode
		if status != 0 && abort.Error != nil {
			err = abort.Error
		}
	}()
	run.BuildRunCommand().Run(args, nil)
	return 0, errors.New("ginkgo's run command returned without an exit status")
}

// selfAsSuite is this binary under a name Ginkgo takes for a precompiled
// suite: it runs only files named *.test (or *.exe, as on Windows). A link
// in a folder of its own keeps the name the user gave the binary.
func selfAsSuite() (path string, cleanup func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	if ext := filepath.Ext(exe); ext == ".test" || runtime.GOOS == "windows" {
		return exe, func() {}, nil
	}
	dir, err := os.MkdirTemp("", Name+"-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	link := filepath.Join(dir, "contract.test")
	if err := os.Symlink(exe, link); err != nil {
		cleanup()
		return "", nil, err
	}
	return link, cleanup, nil
}
