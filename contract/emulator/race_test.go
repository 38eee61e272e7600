//go:build race

package emulator_test

// raceDetector is on: it makes every request about ten times slower, so the
// floods run a tenth of their requests (make unit); docs/reliability.md's figures come
// from runs without it.
const raceDetector = true
