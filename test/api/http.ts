import { testStack } from '../setup/test-stack.ts';

/** A JSON-or-text answer from the gateway. */
export interface GatewayReply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Calls the stack's gateway (Envoy) the way a web client would. */
export async function gateway(path: string, init: RequestInit = {}): Promise<GatewayReply> {
  const response = await fetch(`${testStack().gateway}${path}`, { ...init, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
