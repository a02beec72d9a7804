import type { ExternalAccessCheck } from '../../core/work-packages/work-package.service.js';

/**
 * GHGA's access service: `GET <url>/users/{user}/datasets/{dataset}` answers
 * the literal `true` when access is granted. Any other answer, or a failure,
 * grants nothing (GHGA answered 500 on failures; Conductor denies instead).
 */
export function ghgaAccessCheck(baseUrl: string): ExternalAccessCheck {
  return async (userId, datasetId) => {
    const response = await fetch(`${baseUrl}/users/${encodeURIComponent(userId)}/datasets/${encodeURIComponent(datasetId)}`, {
      signal: AbortSignal.timeout(5000),
      headers: { accept: 'application/json' },
    });
    if (!response.ok) return false;
    return (await response.json()) === true;
  };
}
