/**
 * An OTLP/HTTP trace receiver for tests: what Jaeger or Grafana Tempo would
 * receive. It decodes `POST /v1/traces` (protobuf, as Envoy's and the Node
 * SDK's exporters send it) with the fields of the OTLP trace schema the tests
 * read, and keeps every span.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

// The fields read here, numbered as in opentelemetry-proto (trace/v1, common/v1, resource/v1).
const schema = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  repeated KeyValue attributes = 9;
}
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
`;
const requestType = protobuf.parse(schema).root.lookupType('ExportTraceServiceRequest');

export interface ReceivedSpan {
  /** The `service.name` of the process that sent it. */
  service: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  startNanos: bigint;
  attributes: Record<string, string | number | boolean>;
}

interface Decoded {
  resourceSpans?: {
    resource?: { attributes?: DecodedAttribute[] };
    scopeSpans?: { spans?: { traceId: Uint8Array; spanId: Uint8Array; parentSpanId?: Uint8Array; name: string; startTimeUnixNano?: { toString(): string }; attributes?: DecodedAttribute[] }[] }[];
  }[];
}
type DecodedAttribute = { key: string; value?: { stringValue?: string; boolValue?: boolean; intValue?: { toString(): string }; doubleValue?: number } };

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');
const attributes = (list: DecodedAttribute[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value?.stringValue ?? value?.boolValue ?? (value?.intValue !== undefined ? Number(value.intValue.toString()) : value?.doubleValue ?? '')]));

export interface OtlpReceiver {
  /** The base URL (OTEL_EXPORTER_OTLP_ENDPOINT); traces go to `${url}/v1/traces`. */
  url: string;
  spans: ReceivedSpan[];
  /** Every raw request body, as received (to search for what must never be exported). */
  bodies: Buffer[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: Buffer[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    bodies.push(body);
    const decoded = requestType.toObject(requestType.decode(body)) as Decoded;
    for (const resourceSpans of decoded.resourceSpans ?? []) {
      const service = String(attributes(resourceSpans.resource?.attributes)['service.name'] ?? '');
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          spans.push({
            service,
            traceId: hex(span.traceId),
            spanId: hex(span.spanId),
            parentSpanId: hex(span.parentSpanId),
            name: span.name,
            startNanos: BigInt(span.startTimeUnixNano?.toString() ?? '0'),
            attributes: attributes(span.attributes),
          });
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    bodies,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
