/** The JSON API as the CLI calls it: answers parsed, errors turned into one readable message. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export interface Gateway {
  base: string;
  get<T>(path: string, token?: string): Promise<T>;
  post<T>(path: string, body: unknown, token?: string): Promise<T>;
}

export function gatewayAt(base: string): Gateway {
  const call = async <T>(method: string, path: string, body: unknown, token: string | undefined): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
    } catch (error) {
      throw new GatewayError(0, `cannot reach ${base} (${(error as Error).message}); is the stack running (npm start)?`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const message = typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String((parsed as { message: unknown }).message) : text.slice(0, 300);
      throw new GatewayError(response.status, `${method} ${path.split('?')[0]}: ${response.status} ${message}`);
    }
    return parsed as T;
  };
  return {
    base,
    get: (path, token) => call('GET', path, undefined, token),
    post: (path, body, token) => call('POST', path, body, token),
  };
}
