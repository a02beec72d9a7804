import { trace } from '@opentelemetry/api';
import { pino, stdSerializers, type Logger } from 'pino';
import { activeTracing } from './adapters/telemetry/tracing.js';

export type { Logger } from 'pino';

const REDACTED = '[redacted]';

// Query parameters that carry credentials: the clients' `jwt`, OAuth's codes
// and tokens, and the parts of a presigned S3 URL that let it be used.
const secretParameter = /([?&;](?:jwt|token|access_token|id_token|refresh_token|code|state|x-amz-signature|x-amz-credential|x-amz-security-token|signature)=)[^&;#\s"'<>]*/gi;
// A JWT anywhere (header and payload are base64url JSON, so they start with `eyJ`).
const jwtShaped = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const authorizationValue = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi;

/** The text with every credential it carries replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(secretParameter, `$1${REDACTED}`).replace(jwtShaped, REDACTED).replace(authorizationValue, `$1 ${REDACTED}`);
}

const secretKey = /^(authorization|auth-token|cookie|set-cookie|jwt|token|password|secret|private_?key)$/i;

/** A copy of a log line's fields with credentials redacted: secret-named keys whole, any string by content. */
function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  // Errors are left to the `err` serializer, which redacts what it takes from them.
  if (depth > 4 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, secretKey.test(key) ? REDACTED : redactValue(item, depth + 1)]));
}

/** The trace and span a line is written in, if any. */
function traceIds(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/**
 * Structured JSON logs, one object per line. No credential reaches them:
 * every field and message is redacted where the line is formed, so a URL
 * with `?jwt=` in an error or a path is safe to log.
 */
export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    name,
    base: { service: name },
    // With tracing on, each line carries the trace and span it was written in; with it off, no per-line work.
    ...(activeTracing() ? { mixin: traceIds } : {}),
    serializers: { err: (error: Error) => redactValue(stdSerializers.err(error), 0) },
    formatters: { log: (fields) => redactValue(fields, 0) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
