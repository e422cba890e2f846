{{- define "portager.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portager.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "portager.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portager.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "portager.labels" -}}
{{ include "portager.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "portager.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "portager.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "portager.caSource" -}}
{{- if or .Values.caBundle.secretName .Values.caBundle.configMapName .Values.caBundle.inline -}}true{{- end -}}
{{- end -}}

{{- /* The watched namespaces, comma-separated: watchNamespaces plus watchNamespace; empty for all. */}}
{{- define "portager.watchNamespaces" -}}
{{- $namespaces := list -}}
{{- range .Values.watchNamespaces -}}
{{- $namespaces = append $namespaces . -}}
{{- end -}}
{{- with .Values.watchNamespace -}}
{{- $namespaces = append $namespaces . -}}
{{- end -}}
{{- $namespaces | uniq | join "," -}}
{{- end -}}
