package generated

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../openapi/client.cfg.yaml ../openapi/certificates.yaml
