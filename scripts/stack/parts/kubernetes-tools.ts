import { partDir } from '../paths.ts';
import { versions } from '../versions.ts';
import { goInstall } from './go-tool.ts';

/** Helm, to lint and render the chart in deploy/helm (built from the Go module proxy; no cluster is needed). */
export function installHelm(logFile: string): Promise<string> {
  return goInstall('helm', 'helm.sh/helm/v4/cmd/helm', versions.helm, partDir('helm', versions.helm), logFile);
}

/** kubeconform, to validate the rendered chart against the Kubernetes schemas kept in deploy/kubernetes-schemas. */
export function installKubeconform(logFile: string): Promise<string> {
  return goInstall('kubeconform', 'github.com/yannh/kubeconform/cmd/kubeconform', versions.kubeconform, partDir('kubeconform', versions.kubeconform), logFile);
}
