// Package image takes the emulator's container image apart where no
// container can run: it reads an image saved by docker or podman, its
// config, its size and its files, so that a test can check the config and
// run the entrypoint binary itself on loopback.
//
// It is a module of its own so that go-containerregistry stays out of the
// main module's go.mod.
package image
