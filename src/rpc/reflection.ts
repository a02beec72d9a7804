import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

/**
 * Server reflection (v1 and v1alpha) over descriptor sets as buf built them:
 * the contract and gRPC health's schema. Each file descriptor is served as
 * it is, dependency list and fully-qualified type names included, so clients
 * that resolve types through reflection alone (grpcurl, `buf curl` without a
 * schema, GUI clients) can describe and call every method. (Descriptors
 * rebuilt through protobufjs, as loadFileDescriptorSetFromBuffer makes them,
 * lose the dependency lists and are refused by such clients.)
 */
export function addReflection(server: Server, descriptorSets: Uint8Array[]): void {
  const files = descriptorSets.flatMap((set) => fromBinary(FileDescriptorSetSchema, set).file.map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file))));
  // ReflectionService reads only `fileDescriptorProtos` of the definition's entries.
  new ReflectionService({ contract: { fileDescriptorProtos: files } } as unknown as PackageDefinition).addToServer(server);
}
