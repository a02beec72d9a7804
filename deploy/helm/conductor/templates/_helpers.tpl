{{/* The release's base name. */}}
{{- define "conductor.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{/* Labels of every object; "component" is server, worker, gateway or migrate. */}}
{{- define "conductor.labels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "conductor.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The Secret with the credentials: yours, or the one this chart makes. */}}
{{- define "conductor.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "conductor.fullname" .)) -}}
{{- end -}}

{{/* What Conductor's processes read: the settings (ConfigMap) and the credentials (Secret). */}}
{{- define "conductor.envFrom" -}}
- configMapRef:
    name: {{ include "conductor.fullname" . }}-settings
- secretRef:
    name: {{ include "conductor.secretName" . }}
{{- end -}}

{{/* The pod security every Conductor container runs with (the image's unprivileged user). */}}
{{- define "conductor.securityContext" -}}
runAsNonRoot: true
runAsUser: 1000
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}
