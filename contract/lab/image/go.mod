module github.com/certcontract/certcontract/contract/lab/image

go 1.26.0

replace github.com/certcontract/certcontract => ../../..

require (
	github.com/certcontract/certcontract v0.0.0-00010101000000-000000000000
	github.com/google/go-containerregistry v0.22.1
	go.yaml.in/yaml/v3 v3.0.5
)

require (
	github.com/klauspost/compress v1.19.2 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/opencontainers/image-spec v1.1.1 // indirect
)
