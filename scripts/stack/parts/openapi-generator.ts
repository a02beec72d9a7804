import { partDir } from '../paths.ts';
import { versions } from '../versions.ts';
import { goInstall } from './go-tool.ts';

/**
 * grpc-gateway's protoc-gen-openapiv2: writes the OpenAPI description of the
 * JSON routes from the protos' `google.api.http` bindings (`npm run generate`;
 * the staleness check runs it too). Built once from the Go module proxy.
 */
export function installOpenapiGenerator(logFile: string): Promise<string> {
  return goInstall(
    'protoc-gen-openapiv2',
    'github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2',
    versions.grpcGateway,
    partDir('protoc-gen-openapiv2', versions.grpcGateway),
    logFile,
  );
}
